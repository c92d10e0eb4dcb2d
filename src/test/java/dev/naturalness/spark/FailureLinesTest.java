package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /**
   * A run stopped by SIGTERM (a scheduler's stop, Ctrl-C) in the selection, the export or the
   * report ends with one line naming the stage it was in, and no trace of Spark's shutdown after
   * it; nothing is published.
   */
  @ParameterizedTest
  @ValueSource(strings = {"select", "export", "report"})
  void aRunStoppedBySigtermSaysWhichStageInOneLineAndPublishesNothing(String stage)
      throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.demoSlice(200));
    Path output = tmp.resolve("run-" + stage);
    Path status = tmp.resolve("status-" + stage + ".json");
    Processes.Running running =
        Processes.job(
                "1g",
                JobArgs.demo(input, output)
                    .set("spark.default-master", "local[2]")
                    .set("progress.status-file", status)
                    .set(
                        "output.export",
                        "[messages, prompt-completion, sharegpt, alpaca, pairs, pairs-sharegpt]"))
            .start();
    String started = "Stages: stage " + stage + "\n";
    Assertions.assertTrue(
        running.awaitOutput(o -> o.contains(started), Duration.ofMinutes(4)),
        running.outputSoFar());
    // SIGTERM by kill(1): Process.destroy() would close the pipes that carry the final line.
    Processes.command("kill", "-TERM", String.valueOf(running.process().pid()))
        .run(Duration.ofSeconds(10));
    Processes.Outcome o = running.await(Duration.ofMinutes(1));
    Assertions.assertNotEquals(0, o.exit(), o.output());
    List<String> lines = o.stderr().strip().lines().toList();
    String last = lines.get(lines.size() - 1);
    Matcher m =
        Pattern.compile(
                "naturalness: stopped by a signal during stage ([a-z ]+); nothing was published")
            .matcher(last);
    Assertions.assertTrue(m.matches(), o.stderr());
    String lastStarted = null;
    for (String line : lines) {
      int at = line.indexOf("Stages: stage ");
      if (at >= 0) {
        lastStarted = line.substring(at + "Stages: stage ".length());
      }
    }
    assertEquals(lastStarted, m.group(1), "the line names the stage the run was in");
    List<String> after =
        lines.subList(
            lines.indexOf(
                lines.stream().filter(l -> l.endsWith(started.strip())).findFirst().orElseThrow()),
            lines.size());
    Assertions.assertTrue(
        after.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")),
        "no trace after the stage began:\n" + String.join("\n", after));
    Assertions.assertFalse(Files.exists(output.resolve("summary.json")));
    JsonNode end = new ObjectMapper().readTree(Files.readString(status));
    assertEquals("stopped", end.path("state").asText(), end.toString());
    assertEquals(m.group(1), end.path("stage").asText(), "the status names the stage too");
    assertEquals(last, end.path("error").asText());
  }
}
