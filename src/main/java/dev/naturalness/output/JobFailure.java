package dev.naturalness.output;

/**
 * A run that cannot be right and stops without publishing; the message is the one line users see.
 */
public class JobFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobFailure(String message) {
    super(message);
  }
}
