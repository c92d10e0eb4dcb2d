package dev.naturalness.model;

/** The student directory cannot be used; the message is one line that says what to fix. */
public final class StudentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StudentException(String message) {
    super(message);
  }

  public StudentException(String message, Throwable cause) {
    super(message, cause);
  }
}
