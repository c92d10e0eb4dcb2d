package dev.naturalness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BatchBudgetTest {
  static final long GIB = 1L << 30;

  @Test
  void qwenSizedVocabularyOnAnH100AfterA7bModelLoads() {
    // 80 GB card, about 15 GiB of bf16 weights: about 64 GiB free.
    int budget = BatchBudget.forGpu(64 * GIB, 151_936, "bfloat16", 4096);
    long perToken = 2L * 151_936 * 2 + (256 << 10);
    assertEquals(perToken, BatchBudget.bytesPerToken(151_936, "bfloat16"));
    assertTrue(budget % 4096 == 0, "whole rows: " + budget);
    assertTrue(
        (long) budget * perToken <= 32 * GIB, "uses at most half the free memory: " + budget);
    assertTrue(
        (long) (budget + 4096) * perToken > 32 * GIB, "and not a row less than fits: " + budget);
    assertEquals(36_864, budget);
  }

  @Test
  void float32LogitsCostTwiceAsMuchAsHalfPrecision() {
    assertEquals(
        BatchBudget.bytesPerToken(32_000, "float16"),
        BatchBudget.bytesPerToken(32_000, "bfloat16"));
    assertEquals(
        2L * 32_000 * 2,
        BatchBudget.bytesPerToken(32_000, "float32")
            - BatchBudget.bytesPerToken(32_000, "bfloat16"));
  }

  @Test
  void atLeastOneRowAndAtMostTheCap() {
    assertEquals(512, BatchBudget.forGpu(10L << 20, 151_936, "bfloat16", 512));
    assertEquals(512, BatchBudget.forGpu(-1, 259, "float32", 512));
    assertEquals(BatchBudget.MAX_TOKENS, BatchBudget.forGpu(1L << 50, 259, "float32", 512));
  }

  @Test
  void cpuBatchesKeepTheirLogitsSmall() {
    // The demo student's byte vocabulary: the measured best, 4096.
    assertEquals(BatchBudget.CPU_TOKENS, BatchBudget.forCpu(259, "float32", 512));
    // SmolLM2's 49,152 tokens in float32: 1365 tokens fit 256 MiB, two rows of 512.
    assertEquals(1024, BatchBudget.forCpu(49_152, "float32", 512));
    assertTrue(1024L * 49_152 * 4 <= BatchBudget.CPU_LOGITS_BYTES);
    // Qwen's 151,936 tokens: one row, whatever it holds.
    assertEquals(512, BatchBudget.forCpu(151_936, "float32", 512));
    assertEquals(2048, BatchBudget.forCpu(151_936, "float32", 2048));
    // Rows longer than the cap: one row.
    assertEquals(8192, BatchBudget.forCpu(259, "float32", 8192));
  }

  @Test
  void unknownDtype() {
    assertThrows(IllegalArgumentException.class, () -> BatchBudget.dtypeBytes("int8"));
  }
}
