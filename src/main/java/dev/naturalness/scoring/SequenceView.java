package dev.naturalness.scoring;

import dev.naturalness.text.PreparedResponse;

/**
 * One sequence the model runs, as a view of its response's tokens rather than a copy: the last
 * {@code contextTo - contextFrom} tokens of the window context (the rendered prompt, or only BOS),
 * then response tokens [responseFrom, responseTo). A response with a thousand steps plans a
 * thousand of these without holding a thousand windows of tokens.
 *
 * @param promptContext whether the context is the rendered prompt (else only BOS, if any)
 * @param sharedPrefix how many first tokens are the response's whole rendered prompt, which every
 *     sequence with the same non-zero value starts with (0: none); a packer may compute it once
 */
public record SequenceView(
    boolean promptContext,
    int contextFrom,
    int contextTo,
    int responseFrom,
    int responseTo,
    int sharedPrefix) {

  public int length() {
    return (contextTo - contextFrom) + (responseTo - responseFrom);
  }

  /** Copies tokens [from, to) of this sequence into {@code dst} at {@code at}. */
  public void copyTo(PreparedResponse r, int from, int to, long[] dst, int at) {
    int contextLength = contextTo - contextFrom;
    int t = from;
    if (t < contextLength) {
      int n = Math.min(contextLength, to) - t;
      System.arraycopy(context(r), contextFrom + t, dst, at, n);
      at += n;
      t += n;
    }
    if (t < to) {
      System.arraycopy(r.responseIds(), responseFrom + t - contextLength, dst, at, to - t);
    }
  }

  /** The whole sequence as an array (tests, benchmarks). */
  public long[] tokens(PreparedResponse r) {
    long[] out = new long[length()];
    copyTo(r, 0, length(), out, 0);
    return out;
  }

  private long[] context(PreparedResponse r) {
    if (promptContext) {
      return r.prefixIds();
    }
    return r.bosId() >= 0 ? new long[] {r.bosId()} : new long[0];
  }
}
