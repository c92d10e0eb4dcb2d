package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The status file's fields and the progress line of a stage other than scoring. */
class RunStatusTest {
  private static final Instant STARTED = Instant.parse("2026-12-07T19:00:00Z");

  @Test
  void aStageWithTasksSaysHowManyOfItsRunningJobsAreDone() {
    RunStatus.Snapshot s = new RunStatus.Snapshot("teachers", 3, 8, "tasks", -1);
    assertEquals(
        "progress: stage teachers, 3 of 8 tasks of its running Spark jobs, in the stage 0:04,"
            + " elapsed 1:12",
        RunStatus.line(s, Duration.ofSeconds(4), Duration.ofSeconds(72)));
  }

  @Test
  void aStageOfDriverWorkSaysSo() {
    RunStatus.Snapshot s = new RunStatus.Snapshot("publish", 0, 0, "tasks", -1);
    assertEquals(
        "progress: stage publish, on the driver (no Spark task running), in the stage 0:00,"
            + " elapsed 1:01:05",
        RunStatus.line(s, Duration.ZERO, Duration.ofSeconds(3665)));
  }

  @Test
  void theFileSaysTheRunItsStateAndHowFarItIs() throws Exception {
    RunStatus.Snapshot s = new RunStatus.Snapshot("score", 512, 800, "responses", 61);
    String text =
        RunStatus.json(
            "run-1", STARTED, RunStatus.State.RUNNING, s, null, STARTED.plusMillis(20_500));
    assertTrue(text.endsWith("}\n") && text.indexOf('\n') == text.length() - 1, text);
    JsonNode o = new ObjectMapper().readTree(text);
    assertEquals("run-1", o.path("run_id").asText());
    assertEquals("running", o.path("state").asText());
    assertEquals("score", o.path("stage").asText());
    assertEquals(512, o.path("done").asLong());
    assertEquals(800, o.path("total").asLong());
    assertEquals("responses", o.path("unit").asText());
    assertEquals("2026-12-07T19:00:00Z", o.path("started").asText());
    assertEquals("2026-12-07T19:00:20.500Z", o.path("updated").asText());
    assertEquals(20.5, o.path("elapsed_seconds").asDouble());
    assertEquals(61, o.path("eta_seconds").asLong());
    assertFalse(o.has("error"));
  }

  @Test
  void aFailedRunSaysItsFirstLineAndNoEta() throws Exception {
    RunStatus.Snapshot s = new RunStatus.Snapshot("check", 0, 0, "tasks", -1);
    JsonNode o =
        new ObjectMapper()
            .readTree(
                RunStatus.json(
                    "run-2",
                    STARTED,
                    RunStatus.State.FAILED,
                    s,
                    "nothing was scored\n\tat somewhere",
                    STARTED));
    assertEquals("failed", o.path("state").asText());
    assertEquals("nothing was scored", o.path("error").asText());
    assertTrue(o.path("eta_seconds").isNull());
  }
}
