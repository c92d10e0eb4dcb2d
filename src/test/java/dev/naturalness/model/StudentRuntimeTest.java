package dev.naturalness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.DemoStudent;
import org.junit.jupiter.api.Test;

class StudentRuntimeTest {
  @Test
  void aCpuStudentReportsItsDeviceDtypeAndLibtorchBuild() {
    StudentRuntime runtime = DemoStudent.get().runtime();
    assertEquals("cpu()", runtime.device());
    assertEquals("float32", runtime.dtype());
    assertEquals("2.7.1", runtime.libtorchVersion());
    assertEquals("cpu", runtime.libtorchBuild());
    assertEquals(0, runtime.gpuTotalBytes());
    assertEquals(0, runtime.gpuFreeBytes());
    String line = runtime.describe();
    assertTrue(line.startsWith("device cpu(), dtype float32, libtorch 2.7.1 (cpu build, "), line);
    assertTrue(line.contains("libtorch") && !line.contains("GPU memory"), line);
  }

  @Test
  void onAGpuTheLineCarriesItsMemory() {
    StudentRuntime gpu =
        new StudentRuntime(
            "gpu(0)",
            "bfloat16",
            "2.7.1",
            "cuda 12.8",
            "/opt/libtorch/lib/libtorch.so",
            80L << 30,
            60L << 30);
    assertEquals(
        "device gpu(0), dtype bfloat16, libtorch 2.7.1 (cuda 12.8 build, /opt/libtorch/lib/libtorch.so), "
            + "GPU memory 80.0 GiB, 60.0 GiB free after loading",
        gpu.describe());
  }
}
