package dev.naturalness.text;

/** A problem with one response's text; {@link #code()} becomes the row's status. */
public final class TextException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;

  public TextException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
