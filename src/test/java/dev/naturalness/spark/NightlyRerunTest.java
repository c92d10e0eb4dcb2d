package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly refresh never rewrites a published run: a second attempt under the same run id (a
 * manual rerun, a retry wrapper, a timer catching up) writes a directory of its own, and LATEST
 * moves only once that attempt has written its summary.json.
 */
@Slow
class NightlyRerunTest {
  @TempDir Path tmp;

  Processes.Command nightly(Path input, Path root, String runId) {
    return Processes.command(
            "submit/nightly-refresh.sh",
            "--input",
            input.toString(),
            "--output-root",
            root.toString(),
            "--run-id",
            runId,
            "--set",
            "student.path=" + DemoStudent.DIR.toAbsolutePath(),
            "--set",
            "student.device=auto",
            "--set",
            "teachers.bootstrap-samples=50",
            "--set",
            "progress.interval-seconds=1")
        .unsetEnv("SPARK_HOME")
        .env("NATURALNESS_MASTER", "local[2]")
        .env("NATURALNESS_CLASSPATH", System.getProperty("java.class.path"));
  }

  @Test
  void aKilledRerunUnderTheSameRunIdLeavesTheLastCompleteRunPublishedAndIntact() throws Exception {
    Path small = Corpora.writeJsonLines(tmp, "small.jsonl", Corpora.small());
    Path root = tmp.resolve("nightly");
    Processes.Outcome first = nightly(small, root, "2026-11-28").run(Duration.ofMinutes(4));
    assertEquals(0, first.exit(), first.output());
    String published = Files.readString(root.resolve("LATEST")).trim();
    Path run = Path.of(published.replaceFirst("^file:", ""));
    assertTrue(run.startsWith(root.resolve("runs")), published);
    JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    assertEquals(10, summary.at("/counts/read").asInt());
    List<Path> parts;
    try (var files = Files.list(run.resolve("scores"))) {
      parts = files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
    }
    assertFalse(parts.isEmpty());

    // The same run id again, on the demo corpus (long enough to be killed while it scores).
    Processes.Running second =
        nightly(
                Path.of("src/main/resources/demo/corpus.jsonl").toAbsolutePath(),
                root,
                "2026-11-28")
            .start();
    assertTrue(
        second.awaitOutput(out -> out.contains("progress: "), Duration.ofMinutes(3)),
        second.outputSoFar());
    second.kill();

    assertEquals(
        published,
        Files.readString(root.resolve("LATEST")).trim(),
        "LATEST still names the complete run");
    assertEquals(
        summary,
        new ObjectMapper().readTree(run.resolve("summary.json").toFile()),
        "its summary is intact");
    try (var files = Files.list(run.resolve("scores"))) {
      assertEquals(
          parts,
          files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList());
    }
    try (var runs = Files.walk(root.resolve("runs"), 2)) {
      List<Path> attempts = runs.filter(p -> Files.exists(p.resolve("_naturalness"))).toList();
      assertEquals(2, attempts.size(), "each attempt has a directory of its own: " + attempts);
      Path killed = attempts.stream().filter(p -> !p.equals(run)).findFirst().orElseThrow();
      assertFalse(
          Files.exists(killed.resolve("summary.json")), "the killed attempt looks complete");
      assertNotEquals(run, killed);
    }
  }

  @Test
  void aRunIdThatIsNotAPlainNameIsRefused() throws Exception {
    Path small = Corpora.writeJsonLines(tmp, "small.jsonl", Corpora.small());
    Path root = tmp.resolve("deep/nightly");
    for (String id : new String[] {"../..", "a/b", ".hidden", ""}) {
      Processes.Outcome o = nightly(small, root, id).run(Duration.ofMinutes(1));
      assertEquals(2, o.exit(), id + ": " + o.output());
      assertTrue(o.stderr().contains("--run-id"), o.stderr());
    }
    assertFalse(Files.exists(tmp.resolve("deep")), "nothing was written");
  }

  @Test
  void theJobRefusesToRewriteTheRunThatThePointerPublishes() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    Path out = tmp.resolve("published-run");
    Path pointer = tmp.resolve("LATEST");
    String[] args =
        JobArgs.none()
            .set("input.path", input)
            .set("output.path", out)
            .set("student.path", DemoStudent.DIR)
            .set("output.publish-pointer", pointer)
            .set("spark.default-master", "local[2]")
            .set("teachers.bootstrap-samples", 50)
            .toArray();
    Processes.Outcome first =
        Processes.java("2g", NaturalnessJob.class, args).run(Duration.ofMinutes(3));
    assertEquals(0, first.exit(), first.output());
    String summary = Files.readString(out.resolve("summary.json"));
    Processes.Outcome again =
        Processes.java("2g", NaturalnessJob.class, args)
            .args("--set", "spark.default-master=no-such-master://x")
            .run(Duration.ofMinutes(2));
    assertEquals(NaturalnessJob.EXIT_CONFIG, again.exit(), again.output());
    assertTrue(again.stderr().contains("publishes"), again.stderr());
    assertEquals(summary, Files.readString(out.resolve("summary.json")));
  }

  /**
   * A file at output.publish-pointer that the job did not write as a pointer (a copy of the corpus,
   * a note, a line naming a directory that is not a run, a directory) is refused in one line before
   * Spark starts, and left byte for byte as it was.
   */
  @Test
  void aFileThatIsNotAPointerIsRefusedInOneLineAndLeftAsItIs() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    Path notARun = Files.createDirectories(tmp.resolve("not-a-run"));
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("a copy of the corpus", Files.readString(input));
    cases.put("a note", "remember to refresh the data\n");
    cases.put("a relative path", "runs/2026-12-01\n");
    cases.put("a directory that is not a run", notARun.toAbsolutePath() + "\n");
    cases.put("a run that is gone", tmp.resolve("gone").toAbsolutePath() + "\n");
    cases.put("two lines", notARun.toAbsolutePath() + "\nmore\n");
    cases.put("a directory", null);
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path pointer = tmp.resolve("pointers").resolve(c.getKey().replace(' ', '-'));
      if (c.getValue() == null) {
        Files.createDirectories(pointer.resolve("inside"));
      } else {
        Files.createDirectories(pointer.getParent());
        Files.writeString(pointer, c.getValue());
      }
      Path out = tmp.resolve("out-" + c.getKey().replace(' ', '-'));
      Processes.Outcome o =
          Processes.java(
                  "1g",
                  NaturalnessJob.class,
                  JobArgs.none()
                      .set("input.path", input)
                      .set("output.path", out)
                      .set("student.path", DemoStudent.DIR)
                      .set("output.publish-pointer", pointer)
                      .set("spark.default-master", "local[2]")
                      .toArray())
              .run(Duration.ofMinutes(2));
      assertEquals(NaturalnessJob.EXIT_CONFIG, o.exit(), c.getKey() + ": " + o.output());
      assertEquals(1, o.stderr().lines().count(), c.getKey() + ": " + o.stderr());
      assertTrue(
          o.stderr().startsWith("naturalness: output.publish-pointer " + pointer)
              && o.stderr().contains("it is not a pointer this job wrote, and it is left as it is"),
          c.getKey() + ": " + o.stderr());
      if (c.getValue() == null) {
        assertTrue(Files.isDirectory(pointer.resolve("inside")), c.getKey());
      } else {
        assertEquals(
            c.getValue(), Files.readString(pointer), c.getKey() + ": the file is as it was");
      }
      assertFalse(Files.exists(out.resolve("scores")), c.getKey() + ": nothing was scored");
    }
  }
}
