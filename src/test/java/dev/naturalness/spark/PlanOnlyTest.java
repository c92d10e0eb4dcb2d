package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan-only run costs what the scoring run then reports, per metric and in all, and never touches
 * model.pt: a student whose model is broken plans fine.
 */
@Slow
class PlanOnlyTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void thePlanIsWhatTheRunsThenReportAndABrokenModelPlansFine() throws Exception {
    Path corpus = Corpora.writeJsonLines(dir, "corpus.jsonl", Corpora.demoSlice(60));
    // A student whose model.pt is not a model at all (and not what student.conf's sha256 says).
    Path broken = Files.createDirectories(dir.resolve("broken-student"));
    for (String f : List.of("student.conf", "tokenizer.json")) {
      Files.copy(DemoStudent.DIR.resolve(f), broken.resolve(f));
    }
    Files.writeString(broken.resolve("model.pt"), "not a TorchScript archive");

    Path planDir = dir.resolve("plan");
    long t = System.nanoTime();
    Processes.Outcome o =
        Processes.java(
                "1g",
                NaturalnessJob.class,
                JobArgs.none()
                    .planOnly()
                    .set("input.path", corpus)
                    .set("output.path", planDir)
                    .set("student.path", broken)
                    .set("spark.default-master", "local[2]")
                    .set("plan.tokens-per-second", 2000)
                    .toArray())
            .run(Duration.ofMinutes(3));
    double planSeconds = (System.nanoTime() - t) / 1e9;
    assertEquals(0, o.exit(), o.output());
    Assertions.assertTrue(o.stdout().contains("model tokens"), o.stdout());
    assertFalse(o.output().contains("loaded student"), "no model was loaded");
    assertFalse(Files.exists(planDir.resolve("summary.json")), "a plan is not a run");
    JsonNode plan =
        new ObjectMapper().readTree(planDir.resolve("plan.json").toFile()).get("plan").get(0);
    assertEquals(60, plan.get("rows").asLong());
    long planned = plan.get("model_tokens").asLong();
    Assertions.assertEquals(
        planned / 2000.0 / 3600,
        plan.get("device_hours").asDouble(),
        1e-9,
        "hours at the given rate");
    assertEquals(10, plan.get("most_expensive").size());

    long t2 = System.nanoTime();
    JobRunner.run(spark(), corpus, dir.resolve("run"));
    double runSeconds = (System.nanoTime() - t2) / 1e9;
    assertEquals(planned, tokens(dir.resolve("run")), "LALP and GALP");
    JobRunner.run(spark(), corpus, dir.resolve("galp"), "scoring.metrics=[galp]");
    assertEquals(plan.get("galp_tokens").asLong(), tokens(dir.resolve("galp")), "GALP alone");
    JobRunner.run(spark(), corpus, dir.resolve("lalp"), "scoring.metrics=[lalp]");
    assertEquals(plan.get("lalp_tokens").asLong(), tokens(dir.resolve("lalp")), "LALP alone");
    Assertions.assertEquals(
        (double) plan.get("lalp_tokens").asLong() / plan.get("galp_tokens").asLong(),
        plan.get("lalp_to_galp").asDouble(),
        1e-9);
    System.out.printf(
        Locale.ROOT,
        "plan-only: %,d model tokens (GALP %,d, LALP %,d) in %.1f s (its own JVM); the run %.1f s%n",
        planned,
        plan.get("galp_tokens").asLong(),
        plan.get("lalp_tokens").asLong(),
        planSeconds,
        runSeconds);
  }

  static long tokens(Path run) throws Exception {
    return new ObjectMapper()
        .readTree(run.resolve("summary.json").toFile())
        .get("tokens")
        .get("model")
        .asLong();
  }
}
