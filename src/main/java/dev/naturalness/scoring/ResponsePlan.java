package dev.naturalness.scoring;

import java.util.List;

/**
 * The sequences one response needs and where each score is read from them.
 *
 * @param sequences token sequences for the model, each no longer than max tokens
 * @param sharedPrefix per sequence, how many of its first tokens are the response's whole rendered
 *     prompt, which every sequence with the same non-zero value starts with (0: none); a packer may
 *     compute that prefix once for all of them
 * @param steps per step, the positions of its scored tokens (empty when LALP is off)
 * @param galp where the GALP tokens sit, or null (GALP off, or no response token fits)
 * @param responseTokens tokens in the response
 * @param truncated whether any length cut happened
 */
public record ResponsePlan(
    List<long[]> sequences,
    int[] sharedPrefix,
    List<TokenRange> steps,
    TokenRange galp,
    int responseTokens,
    boolean truncated) {

  /** A plan whose sequences share nothing. */
  public ResponsePlan(
      List<long[]> sequences,
      List<TokenRange> steps,
      TokenRange galp,
      int responseTokens,
      boolean truncated) {
    this(sequences, new int[sequences.size()], steps, galp, responseTokens, truncated);
  }

  /**
   * Positions [start, end) of sequence {@code sequence}; a position 0 token has no context and is
   * not scored.
   */
  public record TokenRange(int sequence, int start, int end) {}

  public long plannedTokens() {
    long total = 0;
    for (long[] s : sequences) {
      total += s.length;
    }
    return total;
  }
}
