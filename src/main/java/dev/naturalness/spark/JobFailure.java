package dev.naturalness.spark;

/**
 * A run that cannot be right and stops without publishing; the message is the one line users see.
 */
public final class JobFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobFailure(String message) {
    super(message);
  }
}
