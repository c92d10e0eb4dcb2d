package dev.naturalness.scoring;

/**
 * One forward pass: {@code rows} rows of {@code length} tokens, each row holding one or more
 * sequences side by side. Position ids restart at 0 for each sequence; {@code blocks} numbers the
 * sequence each position belongs to (a padding position gets a number of its own), so that the
 * attention mask is block-diagonal and causal: q may attend to k when block[q] == block[k] and
 * k <= q.
 */
public record PackedBatch(int rows, int length, long[] ids, long[] positions, int[] blocks, Placement[] placements) {

  /** Sequence {@code sequence} sits in row {@code row} at [offset, offset + size). */
  public record Placement(int sequence, int row, int offset, int size) {}

  /** Tokens that belong to a sequence (not padding). */
  public long usefulTokens() {
    long n = 0;
    for (Placement p : placements) {
      n += p.size();
    }
    return n;
  }

  /**
   * The ids each position predicts: the next id in the same sequence, or 0 at a sequence's last
   * position and on padding (those predictions are never read).
   */
  public long[] nextIds() {
    long[] next = new long[ids.length];
    for (Placement p : placements) {
      int base = p.row() * length + p.offset();
      System.arraycopy(ids, base + 1, next, base, p.size() - 1);
    }
    return next;
  }
}
