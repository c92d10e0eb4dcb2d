package dev.naturalness.text;

import java.util.Arrays;
import java.util.List;

/** Assigns each token to the step holding the first char of its span, and drops empty steps. */
public final class StepAlignment {
  private StepAlignment() {}

  /**
   * Token boundaries of the non-empty steps: step k holds tokens [bounds[k], bounds[k+1]). Tokens
   * are in text order, so each step's tokens are contiguous. A token with no span stays with the
   * step before it (or the first step).
   */
  public static int[] stepTokenBounds(TokenizedText tokens, List<Span> steps) {
    int[] bounds = new int[steps.size() + 1];
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
        bounds[count++] = t;
        stepOfPrevious = stepOfToken;
      }
    }
    if (count == 0) {
      return new int[] {0};
    }
    bounds[count] = tokens.size();
    return Arrays.copyOf(bounds, count + 1);
  }
}
