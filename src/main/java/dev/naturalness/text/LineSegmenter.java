package dev.naturalness.text;

import java.util.ArrayList;
import java.util.List;

/** Splits after each newline. */
public final class LineSegmenter implements Segmenter {
  @Override
  public List<Span> segment(String text) {
    List<Integer> cuts = new ArrayList<>();
    for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      cuts.add(i + 1);
    }
    return Segmenter.fromCuts(text, cuts);
  }
}
