package dev.naturalness.text;

/**
 * Token ids of a text with, per token, the Java char index where its span starts (-1 for a token
 * with no span, such as a special token).
 */
public record TokenizedText(long[] ids, int[] charStarts) {
  public TokenizedText {
    if (ids.length != charStarts.length) {
      throw new IllegalArgumentException("ids and charStarts differ in length");
    }
  }

  public int size() {
    return ids.length;
  }
}
