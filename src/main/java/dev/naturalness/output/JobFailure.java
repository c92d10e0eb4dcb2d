package dev.naturalness.output;

import dev.naturalness.data.Messages;

/**
 * A run that cannot be right and stops without publishing; the message is the one line users see.
 */
public class JobFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobFailure(String message) {
    super(message);
  }

  /**
   * The innermost cause of a failure as one line, {@code Class: first line of its message}: what
   * went wrong, under the layers Spark and Hadoop wrap it in (a task's failure inside the job's,
   * inside the stage's).
   */
  public static String rootCause(Throwable e) {
    Throwable root = e;
    for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 32; depth++) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName()
        + (message == null ? "" : ": " + Messages.firstLine(message).trim());
  }
}
