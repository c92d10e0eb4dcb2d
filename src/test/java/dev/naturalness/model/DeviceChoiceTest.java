package dev.naturalness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceChoiceTest {

  @Test
  void theGpuSparkAssignedToTheTaskIsUsed() {
    assertEquals("gpu:3", DeviceChoice.choose("auto", List.of("3"), 8));
    assertEquals("gpu:1", DeviceChoice.choose("gpu", List.of("1", "2"), 8));
  }

  @Test
  void autoFallsBackToTheCpuWhenSparkAssignedNoGpu() {
    assertEquals("cpu", DeviceChoice.choose("auto", List.of(), 0));
    assertEquals("cpu", DeviceChoice.choose("auto", null, 4));
  }

  @Test
  void cpuIsCpuWhateverSparkAssigned() {
    assertEquals("cpu", DeviceChoice.choose("cpu", List.of("0"), 1));
  }

  @Test
  void gpuWithoutAnyGpuStopsWithAClearMessage() {
    StudentException e =
        assertThrows(StudentException.class, () -> DeviceChoice.choose("gpu", List.of(), 0));
    assertTrue(
        e.getMessage().startsWith("student.device = gpu but this executor has no GPU"),
        e.getMessage());
    assertEquals(
        "gpu:0",
        DeviceChoice.choose("gpu", List.of(), 2),
        "a visible GPU when Spark schedules none");
  }
}
