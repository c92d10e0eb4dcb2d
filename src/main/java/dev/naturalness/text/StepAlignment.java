package dev.naturalness.text;

import java.util.Arrays;
import java.util.List;

/** Assigns each token to the step holding the first char of its span, and drops empty steps. */
public final class StepAlignment {
  private StepAlignment() {}

  /**
   * The steps that hold tokens, with their token bounds. Tokens are in text order, so each step's
   * tokens are contiguous. A token with no span stays with the step before it (or the first step).
   */
  public static AlignedSteps align(TokenizedText tokens, List<Span> steps) {
    if (steps.isEmpty()) {
      return AlignedSteps.none();
    }
    int[] bounds = new int[steps.size() + 1];
    Span[] kept = new Span[steps.size()];
    int count = 0;
    int step = 0;
    int stepOfPrevious = -1;
    for (int t = 0; t < tokens.size(); t++) {
      int start = tokens.charStarts()[t];
      int stepOfToken;
      if (start < 0) {
        stepOfToken = Math.max(stepOfPrevious, 0);
      } else {
        while (step < steps.size() - 1 && start >= steps.get(step).end()) {
          step++;
        }
        stepOfToken = step;
      }
      if (stepOfToken != stepOfPrevious) {
        bounds[count] = t;
        kept[count] = steps.get(Math.min(stepOfToken, steps.size() - 1));
        count++;
        stepOfPrevious = stepOfToken;
      }
    }
    if (count == 0) {
      return AlignedSteps.none();
    }
    bounds[count] = tokens.size();
    return new AlignedSteps(Arrays.copyOf(bounds, count + 1), Arrays.copyOf(kept, count));
  }

  /** Token bounds only (the old shape, for callers that need no spans). */
  public static int[] stepTokenBounds(TokenizedText tokens, List<Span> steps) {
    return align(tokens, steps).tokenBounds();
  }
}
