package dev.naturalness.text;

/**
 * JSON text before a JSON parser reads it. A parser turns the escape {@code \ud800} into an
 * unpaired UTF-16 surrogate, which no UTF-8 text can hold: stored, it would silently become '?'.
 * Replacing each unpaired surrogate escape with the escape of U+FFFD, the character a decoder puts
 * for input it cannot read, keeps the row readable and makes it what it is: invalid text.
 */
public final class JsonText {
  private static final String REPLACEMENT = "\\ufffd";

  private JsonText() {}

  /**
   * The text with every {@code \\uD800}-{@code \\uDFFF} escape that is not half of a high-low pair
   * replaced by {@code \\ufffd}; anything else (an escaped backslash, a pair) is left as it is.
   */
  public static String replaceUnpairedSurrogates(String json) {
    if (json == null || json.indexOf('\\') < 0) {
      return json;
    }
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    int n = json.length();
    while (i < n) {
      char ch = json.charAt(i);
      if (ch != '\\' || i + 1 >= n) {
        i++;
        continue;
      }
      if (json.charAt(i + 1) != 'u') {
        i += 2; // \" \\ \n ...: the escaped character is never the start of another escape
        continue;
      }
      int unit = hex(json, i + 2);
      if (unit < 0 || !Character.isSurrogate((char) unit)) {
        i += 2;
        continue;
      }
      boolean paired = false;
      if (Character.isHighSurrogate((char) unit)
          && i + 12 <= n
          && json.charAt(i + 6) == '\\'
          && json.charAt(i + 7) == 'u') {
        int low = hex(json, i + 8);
        paired = low >= 0 && Character.isLowSurrogate((char) low);
      }
      if (paired) {
        i += 12;
        continue;
      }
      if (out == null) {
        out = new StringBuilder(n);
      }
      out.append(json, copied, i).append(REPLACEMENT);
      i += 6;
      copied = i;
    }
    if (out == null) {
      return json;
    }
    return out.append(json, copied, n).toString();
  }

  /** The 16-bit value of four hex digits at {@code at}, or -1. */
  private static int hex(String s, int at) {
    if (at + 4 > s.length()) {
      return -1;
    }
    int v = 0;
    for (int k = at; k < at + 4; k++) {
      int d = Character.digit(s.charAt(k), 16);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }
}
