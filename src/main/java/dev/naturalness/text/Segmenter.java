package dev.naturalness.text;

import dev.naturalness.data.StepInput;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a response into steps: spans that tile the text exactly, each separator belonging to the
 * step it ends. An empty text has no steps.
 */
public interface Segmenter extends StepSource {

  List<Span> segment(String text);

  @Override
  default List<Span> steps(String response, StepInput given) {
    return segment(response);
  }

  /** The segmenter for a {@code scoring.segmenter} name that cuts the text itself. */
  static Segmenter named(String name) {
    if (StepSource.named(name) instanceof Segmenter s) {
      return s;
    }
    throw new IllegalArgumentException(
        "'" + name + "' takes its steps from the row; it cuts no text");
  }

  /** Spans that end after each given cut position (exclusive ends), closing the text. */
  static List<Span> fromCuts(String text, List<Integer> cutsAfter) {
    List<Span> spans = new ArrayList<>();
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
