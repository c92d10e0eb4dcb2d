package dev.naturalness.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits after each run of blank lines: a newline followed by lines of only spaces or tabs. */
public final class ParagraphSegmenter implements Segmenter {
  private static final Pattern BLANK_LINES = Pattern.compile("\n([ \t]*\n)+");

  @Override
  public List<Span> segment(String text) {
    List<Integer> cuts = new ArrayList<>();
    Matcher m = BLANK_LINES.matcher(text);
    while (m.find()) {
      cuts.add(m.end());
    }
    return Segmenter.fromCuts(text, cuts);
  }
}
