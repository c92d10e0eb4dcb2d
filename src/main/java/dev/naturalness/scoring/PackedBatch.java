package dev.naturalness.scoring;

import java.util.Arrays;

/**
 * One forward pass: {@code rows} rows of {@code length} tokens, each row holding one or more
 * sequences side by side. {@code blocks} numbers the block each position belongs to (a padding
 * position gets a number of its own) and {@code sharedBlocks} names one more block a position may
 * see (-1: none), so q may attend to k when k <= q by position and block[k] is block[q] or
 * sharedBlock[q]. A plain sequence is one block with positions from 0. Sequences that start with
 * the same prompt may share it: the prompt but its last token is one block (positions from 0), and
 * each sequence goes on in a block of its own that sees that one, from the prompt's last token (so
 * that the token predicting the sequence's first own token is in its own block).
 *
 * @param usefulTokens positions that are not padding
 */
public record PackedBatch(
    int rows,
    int length,
    long[] ids,
    long[] positions,
    int[] blocks,
    int[] sharedBlocks,
    Placement[] placements,
    long usefulTokens) {

  /**
   * Tokens {@code skip}.. of sequence {@code sequence} sit in row {@code row} at [offset, offset +
   * size); its first {@code skip} tokens are in a shared block the placement sees.
   */
  public record Placement(int sequence, int row, int offset, int size, int skip) {
    public Placement(int sequence, int row, int offset, int size) {
      this(sequence, row, offset, size, 0);
    }
  }

  /** A batch of plain sequences, each in its own block. */
  public PackedBatch(
      int rows, int length, long[] ids, long[] positions, int[] blocks, Placement[] placements) {
    this(
        rows,
        length,
        ids,
        positions,
        blocks,
        noneShared(ids.length),
        placements,
        placedTokens(placements));
  }

  private static int[] noneShared(int cells) {
    int[] none = new int[cells];
    Arrays.fill(none, -1);
    return none;
  }

  private static long placedTokens(Placement[] placements) {
    long n = 0;
    for (Placement p : placements) {
      n += p.size();
    }
    return n;
  }

  /**
   * The ids each position predicts: the next id in the same placement, or 0 at a placement's last
   * position, in shared blocks and on padding (those predictions are never read).
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
