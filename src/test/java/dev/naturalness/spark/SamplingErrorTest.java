package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.naturalness.JobArgs;
import dev.naturalness.RunOutputs;
import dev.naturalness.report.CostPlan;
import dev.naturalness.report.RunSummary.Certainty;
import dev.naturalness.report.SamplingError;
import dev.naturalness.scoring.StepSample;
import dev.naturalness.stats.ErrorModel;
import dev.naturalness.stats.GapPrior;
import dev.naturalness.stats.SelectionCertainty;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /** A scored response's strata, as scores/ holds them (null without). */
  record Strata(
      String teacher,
      int steps,
      int cSteps,
      int cSampled,
      double cSquares,
      int uSteps,
      int uSampled,
      double uSquares) {}

  static List<Strata> strata(List<Row> scores) {
    List<Strata> out = new ArrayList<>();
    for (Row r : scores) {
      if (!"ok".equals(r.getAs("status")) || r.isNullAt(r.fieldIndex("lalp"))) {
        continue;
      }
      Row s = r.getAs("lalp_strata");
      out.add(
          s == null
              ? new Strata(r.getAs("teacher"), r.getAs("n_steps"), 0, 0, 0, 0, 0, 0)
              : new Strata(
                  r.getAs("teacher"),
                  r.getAs("n_steps"),
                  s.getAs("covered_steps"),
                  s.getAs("covered_sampled"),
                  s.getAs("covered_squares"),
                  s.getAs("uncovered_steps"),
                  s.getAs("uncovered_sampled"),
                  s.getAs("uncovered_squares")));
    }
    return out;
  }

  /**
   * Per teacher and stratum, the pooled per-step variance the job documents: squared deviations
   * over degrees of freedom of the responses that sampled the stratum (2 draws or more, not all its
   * steps), the teacher's own with at least 8 degrees of freedom, else the corpus's.
   */
  static Map<String, double[]> priors(List<Strata> all) {
    Map<String, double[]> pools = new HashMap<>();
    double[] corpus = new double[4];
    for (Strata s : all) {
      double[] t = pools.computeIfAbsent(s.teacher(), k -> new double[4]);
      if (s.cSampled() >= 2 && s.cSampled() < s.cSteps()) {
        t[0] += s.cSquares();
        t[1] += s.cSampled() - 1;
      }
      if (s.uSampled() >= 2 && s.uSampled() < s.uSteps()) {
        t[2] += s.uSquares();
        t[3] += s.uSampled() - 1;
      }
    }
    pools
        .values()
        .forEach(
            t -> {
              for (int i = 0; i < 4; i++) {
                corpus[i] += t[i];
              }
            });
    Map<String, double[]> out = new HashMap<>();
    pools.forEach(
        (teacher, t) ->
            out.put(
                teacher,
                new double[] {
                  t[1] >= 8 ? t[0] / t[1] : corpus[0] / corpus[1],
                  t[3] >= 8 ? t[2] / t[3] : corpus[2] / corpus[3]
                }));
    return out;
  }

  /** A stratum's variance: (8 x prior + squares) / (8 + draws - 1). */
  static double variance(int draws, double squares, double prior) {
    return draws == 0 ? prior : (8 * prior + squares) / (8 + draws - 1);
  }

  /** The response's standard error with m draws split as the job splits them. */
  static Double atM(Strata s, double[] prior, int m) {
    if (s.steps() <= m) {
      return 0.0;
    }
    if (s.cSteps() + s.uSteps() == 0) {
      return null; // scored whole before, sampled now: nothing to scale from
    }
    StepSample.Allotment allotted = StepSample.split(s.steps(), s.cSteps(), m);
    int[] split = {allotted.covered(), allotted.uncovered()};
    double p = s.steps();
    double v = 0;
    if (s.cSteps() > split[0]) {
      v +=
          Math.pow(s.cSteps() / p, 2)
              * variance(s.cSampled(), s.cSquares(), prior[0])
              / split[0]
              * (1 - split[0] / (double) s.cSteps());
    }
    if (s.uSteps() > split[1]) {
      v +=
          Math.pow(s.uSteps() / p, 2)
              * variance(s.uSampled(), s.uSquares(), prior[1])
              / split[1]
              * (1 - split[1] / (double) s.uSteps());
    }
    return Math.sqrt(v);
  }

  /** Per teacher: {sum of squared standard errors at m, responses, responses with one}. */
  Map<String, double[]> expected(Path run, int m) {
    List<Strata> all =
        strata(spark().read().parquet(run.resolve("scores").toString()).collectAsList());
    Map<String, double[]> priors = priors(all);
    Map<String, double[]> out = new HashMap<>();
    for (Strata s : all) {
      double[] t = out.computeIfAbsent(s.teacher(), k -> new double[3]);
      Double se = atM(s, priors.get(s.teacher()), m);
      t[1]++;
      if (se != null) {
        t[0] += se * se;
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
    checkTiers(run, reported);
    // Each response's published lalp_se is its strata pooled with its teacher's prior.
    List<Row> rows = spark().read().parquet(run.resolve("scores").toString()).collectAsList();
    Map<String, double[]> priors = priors(strata(rows));
    int pooled = 0;
    for (Row r : rows) {
      Row s = r.getAs("lalp_strata");
      if (s != null && "ok".equals(r.getAs("status"))) {
        Strata x = strata(List.of(r)).get(0);
        assertEquals(atM(x, priors.get(x.teacher()), 4), (Double) r.getAs("lalp_se"), 1e-9);
        pooled++;
      }
    }
    Assertions.assertTrue(pooled > 10, "sampled responses: " + pooled);
    checkCertainty(run, rows);
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

  /**
   * The teachers come ranked by their mean LALP over ok rows, each in the tier its gap to the one
   * above allows: a new tier beyond 1.96 standard errors of the difference.
   */
  void checkTiers(Path run, List<SamplingError> reported) {
    Map<String, double[]> sums = new HashMap<>();
    for (Row r : spark().read().parquet(run.resolve("scores").toString()).collectAsList()) {
      if ("ok".equals(r.getAs("status")) && r.getAs("lalp") != null) {
        double[] t = sums.computeIfAbsent(r.getAs("teacher"), k -> new double[2]);
        t[0] += r.<Double>getAs("lalp");
        t[1]++;
      }
    }
    int tier = 1;
    for (int i = 0; i < reported.size(); i++) {
      SamplingError e = reported.get(i);
      double[] t = sums.get(e.teacher());
      assertEquals(t[0] / t[1], e.mean(), 1e-9, e.teacher());
      if (i > 0) {
        SamplingError above = reported.get(i - 1);
        Assertions.assertTrue(above.mean() >= e.mean(), "ranked by mean");
        double a = above.standardError() == null ? 0 : above.standardError();
        double b = e.standardError() == null ? 0 : e.standardError();
        tier += above.mean() - e.mean() > 1.96 * Math.sqrt(a * a + b * b) ? 1 : 0;
      }
      assertEquals(tier, e.tier(), e.teacher());
    }
  }

  /**
   * Each prompt's first pick carries the chance it is the best of the prompt's candidates (ok rows,
   * correct not false) under their LALP and standard errors and the run's prior on the gaps between
   * candidates, fit to every prompt of the corpus; summary.json counts the unsure ones.
   */
  void checkCertainty(Path run, List<Row> scores) throws Exception {
    Map<String, List<double[]>> candidates = new HashMap<>();
    for (Row r : scores) {
      boolean wrong = r.getList(r.fieldIndex("flags")).contains("incorrect");
      if ("ok".equals(r.getAs("status")) && !wrong) {
        candidates
            .computeIfAbsent(r.getAs("prompt_id"), k -> new ArrayList<>())
            .add(new double[] {r.getAs("lalp"), r.getAs("lalp_se")});
      }
    }
    GapPrior prior =
        GapPrior.fit(
            candidates.values().stream()
                .map(c -> c.stream().mapToDouble(x -> x[0]).toArray())
                .toList(),
            candidates.values().stream()
                .map(c -> c.stream().mapToDouble(x -> x[1]).toArray())
                .toList(),
            ErrorModel.STATED);
    long below90 = 0;
    long firsts = 0;
    for (Row s : spark().read().parquet(run.resolve("selected").toString()).collectAsList()) {
      if ((Integer) s.getAs("selection_rank") != 1) {
        continue;
      }
      firsts++;
      List<double[]> c = candidates.get((String) s.getAs("prompt_id"));
      double[] means = c.stream().mapToDouble(x -> x[0]).toArray();
      double[] errors = c.stream().mapToDouble(x -> x[1]).toArray();
      int picked = 0;
      for (int i = 0; i < means.length; i++) {
        picked = means[i] == (Double) s.getAs("lalp") ? i : picked;
      }
      double expected = SelectionCertainty.probabilityBest(means, errors, picked, prior);
      assertEquals(expected, (Double) s.getAs("selection_certainty"), 1e-6);
      below90 += expected < 0.9 ? 1 : 0;
    }
    Certainty summary = RunOutputs.summary(run).selectionCertainty().get(0);
    assertEquals(firsts, summary.prompts());
    assertEquals(below90, summary.below90());
  }
}
