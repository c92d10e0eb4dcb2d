package dev.naturalness.text;

/** Offsets in code points, as users' tools count them (Python's str), from Java char indices. */
public final class CodePoints {
  private CodePoints() {}

  /**
   * [start, end) of each span, as code-point offsets into {@code text}, start and end interleaved.
   */
  public static int[] spans(String text, Span[] spans) {
    int[] out = new int[spans.length * 2];
    int lastChar = 0;
    int lastCodePoint = 0;
    for (int k = 0; k < spans.length; k++) {
      for (int e = 0; e < 2; e++) {
        int at = e == 0 ? spans[k].start() : spans[k].end();
        // Spans come in text order, so counting goes on from the previous offset.
        lastCodePoint =
            at >= lastChar
                ? lastCodePoint + text.codePointCount(lastChar, at)
                : text.codePointCount(0, at);
        lastChar = at;
        out[2 * k + e] = lastCodePoint;
      }
    }
    return out;
  }
}
