package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.naturalness.JobArgs;
import dev.naturalness.RunOutputs;
import dev.naturalness.report.CostPlan;
import dev.naturalness.report.SamplingError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With sampled steps, summary.json and the report give the standard error sampling adds to each
 * teacher's mean, and a plan-only run scales a previous run's to the m it plans for; both computed
 * here again from scores/.
 */
class SamplingErrorTest extends SparkTestBase {
  @TempDir Path dir;

  /** Per teacher: {sum of squared standard errors at m, responses, responses with one}. */
  Map<String, double[]> expected(Path run, int m) {
    Map<String, double[]> out = new HashMap<>();
    for (Row r : spark().read().parquet(run.resolve("scores").toString()).collectAsList()) {
      if (!"ok".equals(r.getAs("status")) || r.isNullAt(r.fieldIndex("lalp"))) {
        continue;
      }
      double[] t = out.computeIfAbsent(r.getAs("teacher"), k -> new double[3]);
      int steps = r.getAs("n_steps");
      int scored = r.getAs("steps_scored");
      Double se = r.isNullAt(r.fieldIndex("lalp_se")) ? null : r.getAs("lalp_se");
      t[1]++;
      if (steps <= m) {
        t[2]++;
      } else if (se != null && scored < steps) {
        double perStep = se * Math.sqrt(scored) / Math.sqrt(1 - (double) scored / steps);
        double atM = perStep / Math.sqrt(m) * Math.sqrt(1 - (double) m / steps);
        t[0] += atM * atM;
        t[2]++;
      }
    }
    return out;
  }

  static double teacherError(double[] t) {
    return Math.sqrt(t[0] * t[1] / t[2]) / t[1];
  }

  @Test
  void eachTeachersSamplingErrorIsReportedAndAPlanScalesItToAnotherM() throws Exception {
    Path corpus = Corpora.writeJsonLines(dir, "demo.jsonl", Corpora.demoSlice(40));
    Path run = dir.resolve("run");
    JobRunner.run(
        spark(),
        JobArgs.demo(corpus, run)
            .set("scoring.segmenter", "sentence")
            .set("scoring.sample-steps", 4));
    List<SamplingError> reported = RunOutputs.summary(run).samplingError();
    Map<String, double[]> own = expected(run, 4);
    assertEquals(own.keySet().size(), reported.size());
    int sampledTeachers = 0;
    for (SamplingError e : reported) {
      assertEquals("difference", e.estimator());
      assertEquals(4, e.sampleSteps());
      double[] t = own.get(e.teacher());
      assertEquals((long) t[1], e.responses());
      assertEquals(teacherError(t), e.standardError(), 1e-12, e.teacher());
      sampledTeachers += e.sampled() > 0 ? 1 : 0;
    }
    Assertions.assertTrue(sampledTeachers >= 2, "the demo's longer teachers are sampled");
    Assertions.assertTrue(
        Files.readString(run.resolve("report.html")).contains("<section id=\"sampling\">"));

    Pipeline.Result plan =
        JobRunner.run(
            spark(),
            JobArgs.demo(corpus, dir.resolve("plan"))
                .planOnly()
                .set("plan.previous-summary", run.resolve("summary.json"))
                .set("scoring.segmenter", "sentence")
                .set("scoring.sample-steps", 2));
    CostPlan p = plan.plans().get(0);
    Assertions.assertTrue(p.samplingSource().startsWith("scaled from " + run), p.samplingSource());
    Map<String, double[]> atTwo = expected(run, 2);
    int unknown = 0;
    for (SamplingError e : p.expectedSamplingError()) {
      assertEquals(2, e.sampleSteps());
      double[] t = atTwo.get(e.teacher());
      assertEquals((long) t[2], e.estimated());
      if (t[2] == 0) {
        // Scored whole at m = 4, sampled at m = 2: nothing to scale from.
        Assertions.assertNull(e.standardError(), e.teacher());
        unknown++;
      } else {
        assertEquals(teacherError(t), e.standardError(), 1e-12, e.teacher());
      }
    }
    Assertions.assertTrue(unknown < p.expectedSamplingError().size(), "some teachers scaled");
    Assertions.assertTrue(
        Files.readString(dir.resolve("plan/plan.json")).contains("\"expected_sampling_error\""));

    Pipeline.Result plain =
        JobRunner.run(
            spark(),
            JobArgs.demo(corpus, dir.resolve("plan-plain"))
                .planOnly()
                .set("plan.previous-summary", run.resolve("summary.json"))
                .set("scoring.segmenter", "sentence")
                .set("scoring.sample-steps", 2)
                .set("scoring.sample-estimator", "plain"));
    CostPlan q = plain.plans().get(0);
    assertEquals(List.of(), q.expectedSamplingError());
    assertEquals(run + " sampled with the difference estimator, not plain", q.samplingSource());
  }
}
