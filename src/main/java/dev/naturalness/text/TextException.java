package dev.naturalness.text;

import dev.naturalness.data.RowProblem;
import dev.naturalness.data.RowStatus;

/** A problem with one response's text or steps; {@link #problem()} becomes the row's status. */
public final class TextException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final RowStatus status;

  public TextException(RowStatus status, String message) {
    super(message);
    this.status = status;
  }

  public RowStatus status() {
    return status;
  }

  public RowProblem problem() {
    return new RowProblem(status, getMessage());
  }
}
