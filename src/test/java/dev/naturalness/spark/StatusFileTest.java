package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.JobArgs;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status file an orchestrator polls, read as one would poll it while the job runs: whole at
 * every read, rewritten at every interval from the read stage to the end, ending in the run's
 * outcome; and the progress line for the stages other than scoring.
 */
@Slow
class StatusFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double INTERVAL = 0.2;

  @TempDir Path tmp;

  /** What a poller saw: each distinct status, in order. */
  record Seen(List<JsonNode> statuses, Duration longestGap) {}

  private static Seen poll(Processes.Running running, Path status) throws Exception {
    List<JsonNode> seen = new ArrayList<>();
    String last = null;
    Instant lastChange = null;
    Duration longest = Duration.ZERO;
    while (true) {
      boolean alive = running.process().isAlive();
      String text;
      try {
        text = Files.readString(status);
      } catch (NoSuchFileException e) {
        text = null;
      }
      if (text != null && !text.equals(last)) {
        JsonNode node = JSON.readTree(text); // never half a file
        Instant now = Instant.now();
        if (lastChange != null
            && "running".equals(seen.get(seen.size() - 1).path("state").asText())) {
          Duration gap = Duration.between(lastChange, now);
          longest = gap.compareTo(longest) > 0 ? gap : longest;
        }
        seen.add(node);
        last = text;
        lastChange = now;
      }
      if (!alive) {
        return new Seen(seen, longest);
      }
      Thread.sleep(20);
    }
  }

  /** The demo job on {@code input}, its status kept in {@code status} at a short interval. */
  private Processes.Command job(Path input, Path status) {
    return Processes.job(
        "1g",
        JobArgs.demo(input, tmp.resolve("run"))
            .set("spark.default-master", "local[2]")
            .set("progress.interval-seconds", INTERVAL)
            .set("progress.status-file", status));
  }

  private static Set<String> stages(List<JsonNode> statuses) {
    Set<String> out = new LinkedHashSet<>();
    statuses.forEach(s -> out.add(s.path("stage").asText()));
    return out;
  }

  @Test
  void theStatusMovesEveryIntervalFromReadingToPublishingAndEndsSucceeded() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.demoSlice(200));
    Path status = tmp.resolve("status").resolve("run.json");
    Processes.Running running = job(input, status).start();
    Seen seen = poll(running, status);
    Processes.Outcome o = running.await(Duration.ofMinutes(1));
    System.out.printf(
        "status file: %d distinct statuses, longest gap while running %d ms (interval %d ms)%n",
        seen.statuses().size(), seen.longestGap().toMillis(), (long) (INTERVAL * 1000));
    assertEquals(0, o.exit(), o.output());

    JsonNode end = seen.statuses().get(seen.statuses().size() - 1);
    assertEquals("succeeded", end.path("state").asText(), end.toString());
    assertEquals("publish", end.path("stage").asText());
    String runId =
        JSON.readTree(Files.readString(tmp.resolve("run").resolve("_naturalness")))
            .path("run_id")
            .asText();
    assertEquals(runId, end.path("run_id").asText());
    Set<String> stages = stages(seen.statuses());
    assertTrue(
        stages.containsAll(List.of("read", "score", "report", "publish")), stages.toString());
    assertTrue(
        seen.longestGap().compareTo(Duration.ofMillis(2000)) < 0,
        "a status every " + INTERVAL + " s, none more than 2 s apart: " + seen.longestGap());
    for (JsonNode s : seen.statuses()) {
      assertTrue(s.path("done").asLong() <= s.path("total").asLong(), s.toString());
      if (s.path("unit").asText().equals("responses")) {
        assertEquals("score", s.path("stage").asText(), s.toString());
        assertEquals(200, s.path("total").asLong());
      } else {
        assertEquals("tasks", s.path("unit").asText(), s.toString());
        assertTrue(s.path("eta_seconds").isNull(), s.toString());
      }
    }
    assertTrue(
        seen.statuses().stream()
            .anyMatch(
                s -> s.path("unit").asText().equals("responses") && s.path("done").asLong() > 0),
        "scoring counts responses");
    for (String stage : List.of("read", "teachers", "report")) {
      assertTrue(
          o.output().contains("progress: stage " + stage + ", "),
          "a progress line in stage " + stage + ":\n" + o.output());
    }
  }

  @Test
  void aRunThatFailsEndsFailedWithItsLineAndTheStageItFailedIn() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(
          Map.of("prompt_id", "p" + i, "prompt", "What is 2+2?", "teacher", "t", "response", " "));
    }
    Path input = Corpora.writeJsonLines(tmp, "empty.jsonl", rows);
    Path status = tmp.resolve("run.status.json");
    Processes.Outcome o = job(input, status).run(Duration.ofMinutes(3));
    assertTrue(o.exit() != 0, o.output());
    JsonNode end = JSON.readTree(Files.readString(status));
    assertEquals("failed", end.path("state").asText(), end.toString());
    assertEquals("check", end.path("stage").asText(), end.toString());
    String error = end.path("error").asText();
    assertTrue(!error.isEmpty() && !error.contains("\n"), end.toString());
    assertTrue(o.output().contains(error), "the job's own line:\n" + o.output());
  }
}
