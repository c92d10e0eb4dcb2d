package dev.naturalness.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits after each run of white space that holds a newline, and after a run of {@code . ! ?}
 * together with the white space that follows it. A terminator counts only when white space or the
 * end of the text follows it (white space here is ASCII: space, tab, newline, CR, FF, VT) (so
 * {@code 3.14} and {@code file.txt} stay whole), and a period that ends one of {@link
 * #ABBREVIATIONS} is not a boundary.
 */
public final class SentenceSegmenter implements Segmenter {
  /** Compared case-sensitively, and only where no letter stands right before them. */
  public static final List<String> ABBREVIATIONS =
      List.of(
          "e.g.", "E.g.", "i.e.", "I.e.", "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "St.", "vs.", "cf.",
          "etc.", "Fig.", "No.");

  @Override
  public List<Span> segment(String text) {
    List<Integer> cuts = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (isSpace(c)) {
        int end = i;
        boolean newline = false;
        while (end < n && isSpace(text.charAt(end))) {
          newline |= text.charAt(end) == '\n';
          end++;
        }
        if (newline) {
          cuts.add(end);
        }
        i = end;
      } else if (c == '.' || c == '!' || c == '?') {
        int end = i;
        while (end < n && isTerminator(text.charAt(end))) {
          end++;
        }
        int wsEnd = end;
        while (wsEnd < n && isSpace(text.charAt(wsEnd))) {
          wsEnd++;
        }
        boolean followedBySpace = wsEnd > end || end == n;
        // White space holding a newline ends a step even after an abbreviation ("etc.\n\n- Next").
        boolean newline = text.substring(end, wsEnd).indexOf('\n') >= 0;
        if (followedBySpace && (newline || !endsWithAbbreviation(text, end))) {
          cuts.add(wsEnd);
        }
        i = followedBySpace ? wsEnd : end;
      } else {
        i++;
      }
    }
    return Segmenter.fromCuts(text, cuts);
  }

  /** ASCII white space only, so that every runtime agrees on what a boundary is. */
  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
  }

  private static boolean isTerminator(char c) {
    return c == '.' || c == '!' || c == '?';
  }

  private static boolean endsWithAbbreviation(String text, int end) {
    for (String abbreviation : ABBREVIATIONS) {
      int start = end - abbreviation.length();
      if (start >= 0
          && text.startsWith(abbreviation, start)
          && (start == 0 || !Character.isLetter(text.charAt(start - 1)))) {
        return true;
      }
    }
    return false;
  }
}
