package dev.naturalness.model;

import java.util.Locale;

/**
 * The token budget of one forward pass (rows x longest row) when {@code scoring.batch.max-tokens =
 * auto}: on the CPU, where bigger batches stop paying, at most {@link #CPU_TOKENS} and no more than
 * keeps a batch's logits within {@link #CPU_LOGITS_BYTES}; on a GPU, what half of the memory left
 * free after the model loaded holds, counting per token the model's own logits (the whole
 * vocabulary in the model's dtype, and as much again for the slices and casts around them) and an
 * allowance for the activations of one layer.
 */
public final class BatchBudget {
  /** Measured best on CPU executors with small vocabularies: larger batches only add traffic. */
  public static final int CPU_TOKENS = 4096;

  /**
   * A CPU batch's logits stay under this. A 49,152-token vocabulary at 4096 tokens holds 805 MB of
   * float32 logits (twice that with the slices around them) in an executor's native memory, for no
   * speed: SmolLM2-135M scores as fast in batches of 1024 tokens, with 1.2 GB less peak memory
   * (docs/performance.md).
   */
  static final long CPU_LOGITS_BYTES = 256L << 20;

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
   * The budget on a CPU: {@link #CPU_TOKENS}, or fewer where the vocabulary would make a batch's
   * logits larger than {@link #CPU_LOGITS_BYTES}; a whole number of rows, at least one row.
   */
  public static int forCpu(int vocabSize, String dtype, int rowTokens) {
    long tokens = Math.min(CPU_TOKENS, CPU_LOGITS_BYTES / ((long) vocabSize * dtypeBytes(dtype)));
    tokens -= tokens % rowTokens;
    return (int) Math.max(rowTokens, tokens);
  }

  /**
   * The auto budget for a loaded student: on a GPU what its free memory after loading holds ({@link
   * #CPU_TOKENS}, at least a row, where its memory could not be read), on the CPU {@link #forCpu}.
   */
  public static int auto(Student student, int rowTokens) {
    StudentRuntime runtime = student.runtime();
    StudentManifest manifest = student.manifest();
    if (runtime.gpuFreeBytes() > 0) {
      return forGpu(runtime.gpuFreeBytes(), manifest.vocabSize(), manifest.dtype(), rowTokens);
    }
    return runtime.onGpu()
        ? Math.max(rowTokens, CPU_TOKENS)
        : forCpu(manifest.vocabSize(), manifest.dtype(), rowTokens);
  }
}
