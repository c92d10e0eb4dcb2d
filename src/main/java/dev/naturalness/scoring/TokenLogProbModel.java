package dev.naturalness.scoring;

/** A causal language model as the scorer needs it. */
public interface TokenLogProbModel {
  /**
   * For each position (row-major, rows x length) of the batch, log p(next id | the row's block up
   * to and including this position), computed in float32 on the model's device. Entries at a
   * sequence's last position and on padding are unspecified.
   */
  float[] nextTokenLogProbs(PackedBatch batch);
}
