package dev.naturalness.model;

import java.util.Locale;

/**
 * The token budget of one forward pass (rows x longest row) when {@code scoring.batch.max-tokens =
 * auto}: a fixed size on the CPU, where bigger batches stop paying; on a GPU, what half of the
 * memory left free after the model loaded holds, counting per token the model's own logits (the
 * whole vocabulary in the model's dtype, and as much again for the slices and casts around them)
 * and an allowance for the activations of one layer.
 */
public final class BatchBudget {
  /** Measured best on CPU executors: larger batches only add memory traffic. */
  public static final int CPU_TOKENS = 4096;

  /**
   * Activations of one layer per token: hidden states, attention and MLP buffers of models up to
   * about 70B.
   */
  static final long ACTIVATION_BYTES_PER_TOKEN = 256L << 10;

  /** Never plan more than this at once, however large the GPU. */
  static final int MAX_TOKENS = 1 << 20;

  private BatchBudget() {}

  /** Bytes of one value of a student dtype. */
  public static int dtypeBytes(String dtype) {
    return switch (dtype.toLowerCase(Locale.ROOT)) {
      case "float32" -> 4;
      case "bfloat16", "float16" -> 2;
      default -> throw new IllegalArgumentException("unknown dtype " + dtype);
    };
  }

  /** Bytes one token of a batch costs on the device, beyond the weights. */
  public static long bytesPerToken(int vocabSize, String dtype) {
    return 2L * vocabSize * dtypeBytes(dtype) + ACTIVATION_BYTES_PER_TOKEN;
  }

  /**
   * The budget for a GPU with {@code freeBytes} free after loading: a whole number of rows of
   * {@code rowTokens}, at least one row.
   */
  public static int forGpu(long freeBytes, int vocabSize, String dtype, int rowTokens) {
    long tokens = Math.max(0, freeBytes / 2) / bytesPerToken(vocabSize, dtype);
    tokens = Math.min(tokens, MAX_TOKENS);
    tokens -= tokens % rowTokens;
    return (int) Math.max(rowTokens, tokens);
  }

  /**
   * The auto budget for a loaded student: on a GPU what its free memory after loading holds, on the
   * CPU {@link #CPU_TOKENS}.
   */
  public static int auto(Student student, int rowTokens) {
    long free = student.runtime().gpuFreeBytes();
    return free > 0
        ? forGpu(free, student.manifest().vocabSize(), student.manifest().dtype(), rowTokens)
        : CPU_TOKENS;
  }
}
