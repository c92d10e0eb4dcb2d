package dev.naturalness.scoring;

import java.io.Serializable;

/**
 * How the scorer batches its work, resolved for one device: exact either way, so none of it is part
 * of a {@link ScoreDefinition}.
 *
 * @param batchTokens bound on rows x longest row of one forward pass
 * @param rowTokens preferred row length when short sequences are packed together
 * @param pack put several sequences in one row (block-diagonal mask); off: one sequence per row
 * @param groupWindows score all steps that share a window start in one sequence; off: one sequence
 *     per step window (the definition read literally, for checking)
 */
public record Execution(int batchTokens, int rowTokens, boolean pack, boolean groupWindows)
    implements Serializable {
  public Execution {
    if (batchTokens < 1 || rowTokens < 1) {
      throw new IllegalArgumentException("batch and row token budgets must be positive");
    }
  }

  /** Batches of 4096 tokens in 512-token rows, packed and grouped. */
  public static Execution defaults() {
    return new Execution(4096, 512, true, true);
  }

  /** One window per sequence, one sequence per row: the definition read literally. */
  public Execution literal() {
    return new Execution(batchTokens, rowTokens, false, false);
  }

  public Execution withBatch(int batch, int row) {
    return new Execution(batch, row, pack, groupWindows);
  }

  public Execution withPacking(boolean packRows, boolean groupStepWindows) {
    return new Execution(batchTokens, rowTokens, packRows, groupStepWindows);
  }

  /**
   * The most tokens one packed unit of a response's sequences holds, unless one sequence is longer.
   */
  public int unitCapacity() {
    return Math.max(Math.min(rowTokens, batchTokens), 1);
  }
}
