package dev.naturalness.config;

/** A job-level problem found before any work starts; the message is the one line users see. */
public final class ConfigError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigError(String message) {
    super(message);
  }

  /** The first line of a message (exceptions from Hadoop, S3 and Spark run to many lines). */
  public static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
