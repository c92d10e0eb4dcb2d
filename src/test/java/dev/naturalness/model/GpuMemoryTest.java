package dev.naturalness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class GpuMemoryTest {
  @Test
  void nvidiaSmisLineIsReadInMebibytes() {
    GpuMemory m = GpuMemory.parse("143771, 1024");
    assertEquals(143771L << 20, m.totalBytes());
    assertEquals(1024L << 20, m.usedBytes());
    assertEquals((143771L - 1024) << 20, m.freeBytes());
    assertEquals(GpuMemory.UNKNOWN, GpuMemory.parse("No devices were found"));
    assertEquals(GpuMemory.UNKNOWN, GpuMemory.parse("[N/A], [N/A]"));
  }

  @Test
  void aCpuHasNoneAndAGpuThatCannotBeReadIsUnknownNotAnError() {
    assertEquals(GpuMemory.UNKNOWN, GpuMemory.of(Device.cpu()));
    // Here there is no CUDA runtime and no nvidia-smi; on a GPU machine both give real figures.
    GpuMemory gpu = GpuMemory.of(Device.gpu());
    assertTrue(
        gpu.equals(GpuMemory.UNKNOWN) || gpu.totalBytes() >= gpu.usedBytes(), gpu.toString());
  }
}
