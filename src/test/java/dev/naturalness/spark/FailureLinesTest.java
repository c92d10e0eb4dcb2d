package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure after Spark starts ends the job, in its own JVM as users run it, with one line naming
 * the stage and the root cause, exit code 1, and nothing published: here a disk that fills up while
 * scores/ is written (a small tmpfs as output.path).
 */
@Slow
class FailureLinesTest {
  @TempDir Path tmp;

  @Test
  void aFullDiskWhileWritingScoresIsOneLineNamingTheStageAndNothingIsPublished() throws Exception {
    Path disk = Files.createDirectories(tmp.resolve("small-disk"));
    Processes.Outcome mount =
        Processes.command("mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", disk.toString())
            .run(Duration.ofSeconds(30));
    Assumptions.assumeTrue(
        mount.exit() == 0, "a tmpfs cannot be mounted here: " + mount.output().strip());
    try {
      List<Map<String, Object>> rows = Corpora.demoSlice(40);
      Path input = Corpora.writeJsonLines(tmp, "c.jsonl", rows);
      Path output = disk.resolve("run");
      Processes.Outcome o =
          Processes.job(
                  "1g",
                  JobArgs.demo(input, output)
                      .set("spark.default-master", "local[2]")
                      .set("output.step-scores", true))
              .run(Duration.ofMinutes(4));
      assertEquals(NaturalnessJob.EXIT_FAILED, o.exit(), o.output());
      List<String> lines = o.stderr().strip().lines().toList();
      String last = lines.get(lines.size() - 1);
      Assertions.assertTrue(
          last.startsWith("naturalness: stage write scores failed: "), o.output());
      Assertions.assertTrue(last.contains("No space left on device"), last);
      Assertions.assertTrue(last.endsWith("; nothing was published"), last);
      Assertions.assertFalse(Files.exists(output.resolve("summary.json")));
      Assertions.assertFalse(Files.exists(output.resolve("report.html")));
    } finally {
      Processes.command("umount", disk.toString()).run(Duration.ofSeconds(30));
    }
  }
}
