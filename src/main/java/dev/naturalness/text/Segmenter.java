package dev.naturalness.text;

import java.util.List;
import java.util.Locale;

/**
 * Cuts a response into steps: spans that tile the text exactly, each separator belonging to the
 * step it ends. An empty text has no steps.
 */
public interface Segmenter {

  List<Span> segment(String text);

  /** The segmenter for a {@code scoring.segmenter} name other than {@code column}. */
  static Segmenter named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "paragraph" -> new ParagraphSegmenter();
      case "line" -> new LineSegmenter();
      case "sentence" -> new SentenceSegmenter();
      default ->
          throw new IllegalArgumentException(
              "unknown segmenter '" + name + "'; expected paragraph, line, sentence or column");
    };
  }

  /** Spans that end after each given cut position (exclusive ends), closing the text. */
  static List<Span> fromCuts(String text, List<Integer> cutsAfter) {
    java.util.ArrayList<Span> spans = new java.util.ArrayList<>();
    int start = 0;
    for (int cut : cutsAfter) {
      if (cut > start) {
        spans.add(new Span(start, cut));
        start = cut;
      }
    }
    if (start < text.length()) {
      spans.add(new Span(start, text.length()));
    }
    return spans;
  }
}
