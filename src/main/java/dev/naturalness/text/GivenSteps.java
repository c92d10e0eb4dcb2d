package dev.naturalness.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Steps made upstream ({@code scoring.segmenter = column}): they must concatenate to the response.
 */
public final class GivenSteps {
  private GivenSteps() {}

  public static List<Span> spans(String response, List<String> steps) {
    List<Span> spans = new ArrayList<>(steps.size());
    int at = 0;
    for (int i = 0; i < steps.size(); i++) {
      String step = steps.get(i);
      if (step == null) {
        throw new TextException("steps_mismatch", "step " + i + " is null");
      }
      if (!response.startsWith(step, at)) {
        throw new TextException(
            "steps_mismatch",
            "step "
                + i
                + " does not continue the response at char "
                + at
                + "; the steps must concatenate to the response");
      }
      if (!step.isEmpty()) {
        spans.add(new Span(at, at + step.length()));
      }
      at += step.length();
    }
    if (at != response.length()) {
      throw new TextException(
          "steps_mismatch",
          "the steps cover "
              + at
              + " of the response's "
              + response.length()
              + " chars; they must concatenate to it");
    }
    return spans;
  }
}
