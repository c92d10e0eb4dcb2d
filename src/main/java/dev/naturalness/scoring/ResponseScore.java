package dev.naturalness.scoring;

import dev.naturalness.data.Strata;
import dev.naturalness.text.Span;
import java.util.List;

/**
 * Scores of one response. A value is null when it was not computed or no token could be scored.
 *
 * @param windows per window of the definition, in its order, its LALP and steps (empty without
 *     LALP)
 * @param nSteps the steps the response has (that hold tokens)
 * @param modelTokens tokens the model ran for this response: its sequences' tokens, a prompt shared
 *     with other sequences in a packed unit counted once; for a response that failed, its planned
 *     tokens
 * @param error null unless the model failed on one of this response's sequences
 */
public record ResponseScore(
    Double galp,
    List<WindowScore> windows,
    int nTokens,
    int nSteps,
    boolean truncated,
    long modelTokens,
    String error) {

  /**
   * One window's scores.
   *
   * @param dropFirst LALP with each step's first scored token left out of the step's mean
   * @param standardError with step sampling, the standard error of {@code lalp} as an estimate of
   *     the mean over all steps from the response's own draws alone (0 when every step was scored;
   *     null without sampling, or when a stratum had one draw); the job pools it with a prior
   *     ({@link StratifiedEstimate})
   * @param strata with sampling, when not every step was scored: the strata the estimate is from
   * @param stepScores the scored steps' means, in order; {@code stepSpans} their text spans
   * @param repeatedSteps of the scored steps, those that mostly repeat their own window (0 when not
   *     asked)
   * @param noRepeats LALP over the scored steps that do not (null when not asked)
   */
  public record WindowScore(
      Double lalp,
      Double dropFirst,
      Double standardError,
      Strata strata,
      float[] stepScores,
      Span[] stepSpans,
      int repeatedSteps,
      Double noRepeats) {
    public int stepsScored() {
      return stepScores.length;
    }
  }

  public boolean ok() {
    return error == null;
  }

  /** LALP under the ranking window (the first), or null. */
  public Double lalp() {
    return windows.isEmpty() ? null : windows.get(0).lalp();
  }

  /** The ranking window's step scores (empty without LALP). */
  public float[] stepScores() {
    return windows.isEmpty() ? new float[0] : windows.get(0).stepScores();
  }

  public int stepsScored() {
    return windows.isEmpty() ? 0 : windows.get(0).stepsScored();
  }
}
