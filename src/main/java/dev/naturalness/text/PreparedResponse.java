package dev.naturalness.text;

/**
 * One response ready for scoring: the rendered prompt's tokens (with the tokenizer's special
 * tokens), the response's tokens (without), its steps that hold tokens, the BOS id (-1 when the
 * tokenizer has none), and per window and step whether the step mostly repeats that window (null
 * when not asked).
 */
public record PreparedResponse(
    long[] prefixIds, long[] responseIds, AlignedSteps steps, long bosId, boolean[][] repeated) {

  public PreparedResponse(long[] prefixIds, long[] responseIds, AlignedSteps steps, long bosId) {
    this(prefixIds, responseIds, steps, bosId, null);
  }

  /** Steps given by token bounds only (tests). */
  public PreparedResponse(long[] prefixIds, long[] responseIds, int[] stepBounds, long bosId) {
    this(prefixIds, responseIds, AlignedSteps.ofBounds(stepBounds), bosId, null);
  }

  public int stepCount() {
    return steps.count();
  }

  public int[] stepBounds() {
    return steps.tokenBounds();
  }
}
