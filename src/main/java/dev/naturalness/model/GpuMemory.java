package dev.naturalness.model;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A GPU's memory, total and in use. DJL reads it through the CUDA runtime library, which it finds
 * by name (libcudart.so) on the library path; a node whose CUDA runtime came with a Python torch
 * has it only under a versioned name in site-packages, and then {@code nvidia-smi} (which comes
 * with the driver) answers instead.
 *
 * @param totalBytes the GPU's memory, 0 when neither way could read it
 * @param usedBytes in use on the device (by every process, libtorch's cache included)
 */
public record GpuMemory(long totalBytes, long usedBytes) {
  static final GpuMemory UNKNOWN = new GpuMemory(0, 0);

  public long freeBytes() {
    return Math.max(0, totalBytes - usedBytes);
  }

  /** The device's memory now, or {@link #UNKNOWN}. */
  public static GpuMemory of(Device device) {
    if (!device.isGpu()) {
      return UNKNOWN;
    }
    try {
      MemoryUsage m = CudaUtils.getGpuMemory(device);
      return new GpuMemory(m.getMax(), m.getUsed());
    } catch (RuntimeException e) {
      return fromNvidiaSmi(device.getDeviceId());
    }
  }

  private static GpuMemory fromNvidiaSmi(int gpu) {
    try {
      Process p =
          new ProcessBuilder(
                  "nvidia-smi",
                  "--query-gpu=memory.total,memory.used",
                  "--format=csv,noheader,nounits",
                  "-i",
                  String.valueOf(gpu))
              .redirectErrorStream(true)
              .start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return UNKNOWN;
      }
      return parse(out);
    } catch (IOException e) {
      return UNKNOWN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return UNKNOWN;
    }
  }

  /** nvidia-smi's {@code total, used} line, in MiB. */
  static GpuMemory parse(String line) {
    String[] parts = line.split(",");
    if (parts.length != 2) {
      return UNKNOWN;
    }
    try {
      long mib = 1L << 20;
      return new GpuMemory(
          Long.parseLong(parts[0].trim()) * mib, Long.parseLong(parts[1].trim()) * mib);
    } catch (NumberFormatException e) {
      return UNKNOWN;
    }
  }
}
