package dev.naturalness.text;

/**
 * One response ready for scoring: the rendered prompt's tokens (with the tokenizer's special
 * tokens), the response's tokens (without), the step boundaries over the response tokens, and the
 * BOS id (-1 when the tokenizer has none).
 */
public record PreparedResponse(long[] prefixIds, long[] responseIds, int[] stepBounds, long bosId) {
  public int steps() {
    return stepBounds.length - 1;
  }
}
