package dev.naturalness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.Processes;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeEnvironmentTest {
  @Test
  void listsWhatAnEnvironmentLacksOrSetsOtherwise() {
    Map<String, String> env = RuntimeEnvironment.environment();
    assertEquals(env.size(), RuntimeEnvironment.missing(Map.of()).size());
    HashMap<String, String> wrong = new HashMap<>(env);
    wrong.put("MALLOC_ARENA_MAX", "8");
    assertEquals(
        List.of("MALLOC_ARENA_MAX=" + env.get("MALLOC_ARENA_MAX")),
        RuntimeEnvironment.missing(wrong));
    assertEquals(List.of(), RuntimeEnvironment.missing(env));
  }

  @Test
  void holdsTheAllocatorSettingsAndDjlOffline() {
    Map<String, String> env = RuntimeEnvironment.environment();
    assertEquals("1", env.get("MALLOC_ARENA_MAX"));
    assertEquals("0", env.get("MALLOC_MMAP_MAX_"));
    assertEquals("true", env.get("DJL_OFFLINE"));
    assertTrue(RuntimeEnvironment.systemPropertyOptions().contains("-Dai.djl.offline=true"));
    assertTrue(
        RuntimeEnvironment.jvmOptions().contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"));
  }

  @Test
  void theBuildGivesTheTestsTheSameEnvironmentAndOptions() {
    assertEquals(
        List.of(),
        RuntimeEnvironment.missing(System.getenv()),
        "the build's surefire environment lacks them");
    List<String> running = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (String option : RuntimeEnvironment.jvmOptions()) {
      assertTrue(running.contains(option), "the test JVM runs without " + option);
    }
  }

  @Test
  void theScriptsReadTheSameFile() throws Exception {
    // common.sh exports the file's env.* (keeping values already set) and gathers jvm.options.
    Processes.Outcome o =
        Processes.command(
                "bash",
                "-c",
                "source submit/common.sh && printf '%s\\n' \"$SPARK_JAVA_OPTS\" && env | grep -E '^(MALLOC_|DJL_)' | sort")
            .unsetEnv("MALLOC_ARENA_MAX")
            .unsetEnv("MALLOC_MMAP_MAX_")
            .unsetEnv("MALLOC_TRIM_THRESHOLD_")
            .unsetEnv("DJL_OFFLINE")
            .run(Duration.ofSeconds(30));
    assertEquals(0, o.exit(), o.output());
    String[] lines = o.stdout().split("\n");
    assertEquals(String.join(" ", RuntimeEnvironment.jvmOptions()), lines[0]);
    RuntimeEnvironment.environment()
        .forEach(
            (name, value) -> {
              if (name.startsWith("MALLOC_") || name.startsWith("DJL_")) {
                assertTrue(
                    o.stdout().contains(name + "=" + value + "\n"), name + " in:\n" + o.stdout());
              }
            });
  }
}
