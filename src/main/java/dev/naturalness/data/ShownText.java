package dev.naturalness.data;

import java.util.Locale;

/**
 * A value read from the corpus (a teacher's or student's name, a reason) as a report or a card
 * shows it: the invisible characters that reorder or hide what follows them are written out as
 * {@code <U+202E>}, so a name with a right-to-left override cannot reverse the rest of its line or
 * pass for another name.
 */
public final class ShownText {
  private ShownText() {}

  /** The text with bidirectional controls and other invisible format characters written out. */
  public static String visible(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c -> {
              if (Character.getType(c) == Character.FORMAT) {
                out.append(String.format(Locale.ROOT, "<U+%04X>", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }

  /**
   * A cell of a Markdown table: visible, with its pipes escaped and its line breaks as spaces, so
   * that it stays one cell of one row.
   */
  public static String markdownCell(String s) {
    String v = visible(s == null ? "" : s);
    return v.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
  }
}
