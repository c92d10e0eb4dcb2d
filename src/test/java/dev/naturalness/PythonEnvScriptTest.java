package dev.naturalness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit/python-env.sh: one environment per requirements file's content, reused while the file is
 * unchanged, and a changed file's new environment replacing the old one (each is gigabytes).
 */
@Slow
class PythonEnvScriptTest {
  @TempDir Path tmp;

  private Processes.Outcome env(Path requirements) throws Exception {
    Processes.Outcome o =
        Processes.command("submit/python-env.sh", requirements.toString())
            .env("NATURALNESS_CACHE", tmp.resolve("cache").toString())
            .run(Duration.ofMinutes(2));
    assertEquals(0, o.exit(), o.output());
    return o;
  }

  @Test
  void anUnchangedFileReusesItsEnvironmentAndAChangedOneReplacesIt() throws Exception {
    Path requirements = Files.writeString(tmp.resolve("requirements-probe.txt"), "# no packages\n");
    Processes.Outcome first = env(requirements);
    Path firstPython = Path.of(first.stdout().strip());
    assertTrue(Files.isExecutable(firstPython), first.output());
    assertTrue(first.stderr().contains("making"), first.stderr());

    Processes.Outcome again = env(requirements);
    assertEquals(first.stdout(), again.stdout(), "the same environment");
    assertFalse(again.stderr().contains("making"), "reused at once: " + again.stderr());

    Files.writeString(requirements, "# no packages, another pin\n");
    Processes.Outcome changed = env(requirements);
    Path changedPython = Path.of(changed.stdout().strip());
    assertTrue(Files.isExecutable(changedPython), changed.output());
    assertFalse(changedPython.equals(firstPython));
    Path firstDir = firstPython.getParent().getParent();
    assertFalse(Files.exists(firstDir), "the replaced environment is gone: " + changed.stderr());
    try (var left = Files.list(tmp.resolve("cache/python"))) {
      assertEquals(1, left.count(), "one environment for the file");
    }
  }
}
