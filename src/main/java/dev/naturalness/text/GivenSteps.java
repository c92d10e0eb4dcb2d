package dev.naturalness.text;

import dev.naturalness.data.RowStatus;
import dev.naturalness.data.StepInput;
import java.util.ArrayList;
import java.util.List;

/**
 * Steps made upstream as texts ({@code scoring.segmenter = column}): they must concatenate to the
 * response.
 */
public final class GivenSteps implements StepSource {

  @Override
  public List<Span> steps(String response, StepInput given) {
    if (given == null || given.texts() == null) {
      throw new TextException(
          RowStatus.STEPS_MISSING, "scoring.segmenter = column but the row has no steps");
    }
    return spans(response, given.texts());
  }

  public static List<Span> spans(String response, List<String> steps) {
    List<Span> spans = new ArrayList<>(steps.size());
    int at = 0;
    for (int i = 0; i < steps.size(); i++) {
      String step = steps.get(i);
      if (step == null) {
        throw new TextException(RowStatus.STEPS_MISMATCH, "step " + i + " is null");
      }
      if (!response.startsWith(step, at)) {
        throw new TextException(
            RowStatus.STEPS_MISMATCH,
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
          RowStatus.STEPS_MISMATCH,
          "the steps cover "
              + at
              + " of the response's "
              + response.length()
              + " chars; they must concatenate to it");
    }
    return spans;
  }
}
