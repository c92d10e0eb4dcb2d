package dev.naturalness.scoring;

import dev.naturalness.text.PreparedResponse;
import java.util.List;

/**
 * The sequences one response needs and where each score is read from them.
 *
 * @param response the prepared response the sequences are views of
 * @param sequences what the model runs, each no longer than max tokens
 * @param scoredSteps the steps scored, ascending (every step, or a sample)
 * @param reads per window (in the definition's order), per scored step, where its tokens sit
 * @param galp where the GALP tokens sit, or null (GALP off, or no response token fits)
 * @param truncated whether any length cut happened
 * @param control whether the GALP pass's step means are the difference estimator's control (a
 *     sampled response under {@code sample-estimator = difference}); the GALP pass then runs even
 *     when GALP is not a metric
 * @param coveredSteps with the control, the steps (from the first) the GALP pass reaches: the
 *     covered stratum of the sample (0 without the control)
 */
public record ResponsePlan(
    PreparedResponse response,
    List<SequenceView> sequences,
    int[] scoredSteps,
    TokenRange[][] reads,
    TokenRange galp,
    boolean truncated,
    boolean control,
    int coveredSteps) {

  /**
   * Positions [start, end) of sequence {@code sequence}; a position 0 token has no context and is
   * not scored.
   */
  public record TokenRange(int sequence, int start, int end) {}

  public int responseTokens() {
    return response.responseIds().length;
  }

  public long plannedTokens() {
    long total = 0;
    for (SequenceView s : sequences) {
      total += s.length();
    }
    return total;
  }

  /** Whether every step is scored (no sampling, or a response with at most m steps). */
  public boolean exact() {
    return scoredSteps.length == response.stepCount();
  }
}
