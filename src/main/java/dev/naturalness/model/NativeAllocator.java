package dev.naturalness.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The glibc malloc settings a CPU student needs. libtorch frees and reallocates its large tensors
 * (attention scores, activations) every batch. Served by mmap, each one costs page faults on every
 * use: 7x slower at 8 x 512 rows, and 5x slower once one tensor passes 64 MiB (5 x 768 rows of six
 * heads). Two separate glibc rules send them there: above 32 MiB it mmaps unless told not to
 * ({@code MALLOC_MMAP_MAX_=0}), and a thread's own arena grows in heaps of at most 64 MiB, so a
 * larger chunk is mmapped whatever {@code MALLOC_MMAP_MAX_} says; only the main arena, grown with
 * brk, has no such bound ({@code MALLOC_ARENA_MAX=1}). A large trim threshold keeps freed memory
 * for the next batch instead of returning it to the kernel.
 *
 * <p>glibc reads these when the process starts, so they are set in the environment: by the
 * submit scripts, by the job for its executors ({@code spark.executorEnv}), and by the build for
 * the tests.
 */
public final class NativeAllocator {
  /** Variable name to value, in the order the scripts set them. */
  public static final Map<String, String> ENVIRONMENT = environment();

  private NativeAllocator() {}

  private static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MALLOC_ARENA_MAX", "1");
    env.put("MALLOC_MMAP_MAX_", "0");
    env.put("MALLOC_TRIM_THRESHOLD_", "17179869184");
    return Collections.unmodifiableMap(env);
  }

  /** "NAME=value" for each setting the given environment lacks or sets otherwise. */
  public static List<String> missing(Map<String, String> environment) {
    List<String> missing = new ArrayList<>();
    ENVIRONMENT.forEach((name, value) -> {
      if (!value.equals(environment.get(name))) {
        missing.add(name + "=" + value);
      }
    });
    return missing;
  }
}
