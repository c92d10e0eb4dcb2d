package dev.naturalness.model;

import java.util.List;
import java.util.Locale;

/**
 * Which device a task's student runs on: the GPU Spark assigned to the task when there is one; with
 * {@code auto} and none, the CPU; with {@code gpu} and none, a clear error.
 */
public final class DeviceChoice {
  private DeviceChoice() {}

  /** A device as DJL names it: "cpu" or "gpu:N". */
  public static String choose(String setting, List<String> assignedGpus, int visibleGpus) {
    String s = setting.toLowerCase(Locale.ROOT);
    String assigned =
        assignedGpus == null || assignedGpus.isEmpty() ? null : assignedGpus.get(0).trim();
    switch (s) {
      case "cpu":
        return "cpu";
      case "auto":
        return assigned != null ? "gpu:" + Integer.parseInt(assigned) : "cpu";
      case "gpu":
        if (assigned != null) {
          return "gpu:" + Integer.parseInt(assigned);
        }
        if (visibleGpus > 0) {
          return "gpu:0";
        }
        throw new StudentException(
            "student.device = gpu but this executor has no GPU: Spark assigned none to the task "
                + "(set spark.executor.resource.gpu.amount and spark.task.resource.gpu.amount) and libtorch sees none "
                + "(is the CUDA build of libtorch on PYTORCH_LIBRARY_PATH?); use student.device = auto to fall back to the CPU");
      default:
        throw new IllegalArgumentException(
            "student.device must be auto, cpu or gpu, got " + setting);
    }
  }
}
