package dev.naturalness.data;

/** What the job says when something it calls fails: the first line of the message. */
public final class Messages {
  private Messages() {}

  /** The first line of an exception's message ("(no message)" when it has none). */
  public static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
