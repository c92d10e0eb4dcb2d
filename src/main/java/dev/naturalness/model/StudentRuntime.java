package dev.naturalness.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import java.util.Locale;

/**
 * Where a loaded student runs, for the executor's log and the GPU batch budget: the device, the
 * model's dtype, the libtorch that was loaded (version, CPU or CUDA build, path) and, on a GPU, its
 * memory after the model's weights arrived.
 *
 * @param gpuTotalBytes the GPU's memory, or 0 on the CPU
 * @param gpuFreeBytes free GPU memory once the model is loaded, or 0 on the CPU
 */
public record StudentRuntime(
    String device,
    String dtype,
    String libtorchVersion,
    String libtorchBuild,
    String libtorchPath,
    long gpuTotalBytes,
    long gpuFreeBytes) {

  /** Reads what the engine reports now; call it right after the model has been loaded. */
  public static StudentRuntime observe(Device device, String dtype) {
    Engine engine = Engine.getEngine("PyTorch");
    String build = "cpu";
    if (engine.hasCapability(StandardCapabilities.CUDA)) {
      String cuda = CudaUtils.hasCuda() ? CudaUtils.getCudaVersionString() : null;
      build = cuda == null ? "cuda" : "cuda " + cuda;
    }
    long total = 0;
    long free = 0;
    if (device.isGpu()) {
      GpuMemory memory = GpuMemory.of(device);
      total = memory.totalBytes();
      free = memory.freeBytes();
    }
    String path;
    try {
      path = LibUtils.getLibtorchPath();
    } catch (RuntimeException e) {
      path = "(unknown)";
    }
    return new StudentRuntime(
        device.toString(), dtype, engine.getVersion(), build, path, total, free);
  }

  /** Whether the student runs on a GPU (DJL names devices {@code gpu(0)}, {@code cpu()}). */
  public boolean onGpu() {
    return device.startsWith("gpu");
  }

  /** One line: device, dtype, libtorch, and GPU memory where there is a GPU. */
  public String describe() {
    String line =
        String.format(
            Locale.ROOT,
            "device %s, dtype %s, libtorch %s (%s build, %s)",
            device,
            dtype,
            libtorchVersion,
            libtorchBuild,
            libtorchPath);
    if (gpuTotalBytes > 0) {
      line +=
          String.format(
              Locale.ROOT,
              ", GPU memory %.1f GiB, %.1f GiB free after loading",
              gpuTotalBytes / GIB,
              gpuFreeBytes / GIB);
    }
    return line;
  }

  private static final double GIB = 1024.0 * 1024 * 1024;
}
