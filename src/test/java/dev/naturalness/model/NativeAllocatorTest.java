package dev.naturalness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeAllocatorTest {
  @Test
  void listsWhatAnEnvironmentLacksOrSetsOtherwise() {
    assertEquals(List.of("MALLOC_ARENA_MAX=1", "MALLOC_MMAP_MAX_=0", "MALLOC_TRIM_THRESHOLD_=17179869184"),
        NativeAllocator.missing(Map.of()));
    assertEquals(List.of("MALLOC_ARENA_MAX=1"),
        NativeAllocator.missing(Map.of("MALLOC_ARENA_MAX", "8", "MALLOC_MMAP_MAX_", "0", "MALLOC_TRIM_THRESHOLD_", "17179869184")));
    assertEquals(List.of(), NativeAllocator.missing(NativeAllocator.ENVIRONMENT));
  }

  @Test
  void theTestsRunWithTheSettings() {
    assertEquals(List.of(), NativeAllocator.missing(System.getenv()), "the build's surefire environment lacks them");
  }

  @Test
  void theScriptsAndTheBuildSetTheSameValues() throws Exception {
    String common = Files.readString(Path.of("submit/common.sh"));
    String gpu = Files.readString(Path.of("submit/spark-submit-gpu.sh"));
    String pom = Files.readString(Path.of("pom.xml"));
    NativeAllocator.ENVIRONMENT.forEach((name, value) -> {
      String exported = "export " + name + "=\"${" + name + ":-" + value + "}\"";
      assertTrue(common.contains(exported), "submit/common.sh lacks " + exported);
      assertTrue(gpu.contains("--conf spark.executorEnv." + name + "=" + value), "spark-submit-gpu.sh lacks " + name);
      assertTrue(pom.contains("<" + name + ">" + value + "</" + name + ">"), "pom.xml lacks " + name);
    });
  }
}
