package dev.naturalness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a node keeps its copies of students by default. */
class StudentStoreTest {
  @Test
  void aYarnContainerKeepsStudentsInTheNodesTemporaryDirectoryNotItsOwn() {
    String container =
        "/data/nm/usercache/ana/appcache/application_1_0001/container_1_0001_01_02/tmp";
    assertEquals(
        Path.of("/tmp/naturalness-students-ana"),
        StudentStore.defaultRoot(
            Map.of("CONTAINER_ID", "container_1_0001_01_02"), container, "ana"));
    assertEquals(
        Path.of("/scratch/naturalness-students-ana"),
        StudentStore.defaultRoot(
            Map.of("CONTAINER_ID", "container_1_0001_01_02", "TMPDIR", "/scratch"),
            container,
            "ana"));
    assertEquals(
        Path.of("/var/tmp/naturalness-students"),
        StudentStore.defaultRoot(Map.of(), "/var/tmp", "ana"),
        "elsewhere: java.io.tmpdir, as documented");
  }
}
