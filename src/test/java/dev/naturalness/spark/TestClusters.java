package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.naturalness.Processes;
import dev.naturalness.TestFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** What the cluster tests share: a test cluster started fresh, and the application jar. */
final class TestClusters {
  private TestClusters() {}

  /**
   * A test cluster of two workers started by its script in an empty {@code dir}, after whatever an
   * earlier run left there was stopped (a run killed before its @AfterAll).
   */
  static Processes.Outcome startFresh(Path script, Path dir, Duration timeout) throws Exception {
    Processes.command("bash", script.toString(), "stop", dir.toString()).run(Duration.ofMinutes(1));
    TestFiles.deleteRecursively(dir);
    Processes.Outcome started =
        Processes.command("bash", script.toString(), "start", dir.toString(), "2").run(timeout);
    assertEquals(0, started.exit(), started.output());
    return started;
  }

  /** The application jar as `mvn package` makes it: the project's classes and resources. */
  static Path applicationJar(Path jar) throws IOException {
    Path classes = Path.of("target", "classes");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    return jar;
  }
}
