package dev.naturalness.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.data.Metric;
import dev.naturalness.model.Student;
import dev.naturalness.text.PreparedResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * scoring.sample-estimator = difference: LALP estimated as the mean of every step's GALP-context
 * mean G_k plus the sampled steps' mean of (L_k - G_k). Everything it is held to is computed here:
 * G_k from one forward pass over the whole sequence, L_k from an exact run, the estimator's
 * variance from both.
 */
class DifferenceEstimatorTest {
  static final int STEPS = 60;

  static ScoreDefinition definition(int m, SampleEstimator estimator) {
    return ScoreDefinition.defaults(2048).withSampleSteps(m).withEstimator(estimator);
  }

  static ResponseScorer scorer(Student student, ScoreDefinition d) {
    return new ResponseScorer(d, Execution.defaults().withBatch(4096, 512), student.model());
  }

  /** Each step's mean log-prob in the whole sequence (prompt and response), from one pass. */
  static double[] galpStepMeans(Student student, PreparedResponse r) {
    return galpStepMeans(student, r, Integer.MAX_VALUE);
  }

  /** The same over the response's first {@code fit} tokens alone (where a cut pass ends). */
  static double[] galpStepMeans(Student student, PreparedResponse r, int fit) {
    long[] prefix = r.prefixIds();
    long[] response = r.responseIds();
    int n = prefix.length + response.length;
    long[] ids = new long[n];
    long[] positions = new long[n];
    System.arraycopy(prefix, 0, ids, 0, prefix.length);
    System.arraycopy(response, 0, ids, prefix.length, response.length);
    for (int i = 0; i < n; i++) {
      positions[i] = i;
    }
    PackedBatch one =
        new PackedBatch(
            1,
            n,
            ids,
            positions,
            new int[n],
            new PackedBatch.Placement[] {new PackedBatch.Placement(0, 0, 0, n)});
    float[] out = student.model().nextTokenLogProbs(one);
    int[] bounds = r.stepBounds();
    double[] g = new double[r.stepCount()];
    for (int k = 0; k < g.length; k++) {
      double sum = 0;
      int end = Math.min(bounds[k + 1], fit);
      for (int i = bounds[k]; i < end; i++) {
        sum += out[prefix.length + i - 1];
      }
      g[k] = end > bounds[k] ? sum / (end - bounds[k]) : Double.NaN;
    }
    return g;
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  static double sampleVariance(double[] v) {
    double mu = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - mu) * (x - mu);
    }
    return s / (v.length - 1);
  }

  @Test
  void overManySamplesTheEstimateIsUnbiasedAndItsStandardErrorIsItsSpread() {
    Student student = GoldenCases.student();
    PreparedResponse r = LongResponses.prepare(student, LongResponses.longResponse(STEPS));
    assertEquals(STEPS, r.stepCount());
    ResponseScore.WindowScore exact =
        scorer(student, definition(0, null))
            .score(List.of(r), List.of("x"))
            .get(0)
            .windows()
            .get(0);
    double[] l = new double[STEPS];
    for (int k = 0; k < STEPS; k++) {
      l[k] = exact.stepScores()[k];
    }
    double[] g = galpStepMeans(student, r);
    double[] d = new double[STEPS];
    for (int k = 0; k < STEPS; k++) {
      d[k] = l[k] - g[k];
    }
    int m = 8;
    int draws = 120;
    List<PreparedResponse> same = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < draws; i++) {
      same.add(r);
      ids.add("seed-" + i);
    }
    List<ResponseScore> sampled =
        scorer(student, definition(m, SampleEstimator.DIFFERENCE)).score(same, ids);
    double sum = 0;
    double sumSq = 0;
    double reportedVariance = 0;
    for (int i = 0; i < draws; i++) {
      ResponseScore.WindowScore w = sampled.get(i).windows().get(0);
      assertEquals(m, w.stepsScored());
      // The estimate is the formula on this draw's steps, with G from the pass computed here.
      double formula = mean(g);
      for (int k : StepSample.choose(ids.get(i), STEPS, m)) {
        formula += d[k] / m;
      }
      assertEquals(formula, w.lalp(), 1e-4, ids.get(i));
      sum += w.lalp();
      sumSq += w.lalp() * w.lalp();
      reportedVariance += w.standardError() * w.standardError() / draws;
    }
    double mean = sum / draws;
    double spread = Math.sqrt((sumSq - draws * mean * mean) / (draws - 1));
    double trueVariance = sampleVariance(d) / m * (1 - (double) m / STEPS);
    double plainVariance = sampleVariance(l) / m * (1 - (double) m / STEPS);
    System.out.printf(
        Locale.ROOT,
        "difference estimator, m=%d of %d steps over %d ids: mean %.5f vs exact %.5f; spread %.4f,"
            + " reported SE %.4f, true SE %.4f; plain's true SE %.4f (variance ratio %.3f)%n",
        m,
        STEPS,
        draws,
        mean,
        exact.lalp(),
        spread,
        Math.sqrt(reportedVariance),
        Math.sqrt(trueVariance),
        Math.sqrt(plainVariance),
        trueVariance / plainVariance);
    assertTrue(
        Math.abs(mean - exact.lalp()) <= 3 * spread / Math.sqrt(draws), "unbiased within 3 SE");
    double ratio = reportedVariance / trueVariance;
    assertTrue(ratio > 0.6 && ratio < 1.4, "the reported SE estimates the true one: " + ratio);
    double spreadRatio = spread * spread / trueVariance;
    assertTrue(spreadRatio > 0.6 && spreadRatio < 1.5, "the spread is the true SE: " + spreadRatio);
    assertTrue(trueVariance < plainVariance, "the control removes variance on these steps");
  }

  @Test
  void aResponseOfAtMostMStepsIsExactWithoutRunningGalpForIt() {
    Student student = GoldenCases.student();
    PreparedResponse r = LongResponses.prepare(student, LongResponses.longResponse(12));
    ResponseScore exact = scorer(student, definition(0, null)).score(List.of(r)).get(0);
    ScoreDefinition lalpOnly =
        definition(12, SampleEstimator.DIFFERENCE).withMetrics(EnumSet.of(Metric.LALP));
    for (int m : new int[] {12, 40}) {
      ResponseScore s =
          scorer(student, lalpOnly.withSampleSteps(m)).score(List.of(r), List.of("r")).get(0);
      // Other batch shapes without the GALP sequence: the last float bits may move.
      assertEquals(exact.lalp(), s.lalp(), 1e-6, "m = " + m);
      assertEquals(0.0, s.windows().get(0).standardError(), 0);
      assertNull(s.galp(), "GALP is not a metric here");
    }
    ResponsePlan plan = new WindowPlanner(lalpOnly, Execution.defaults()).plan(r, "r");
    assertNull(plan.galp(), "no GALP pass for a response scored whole");
  }

  @Test
  void withoutGalpAsAMetricItsPassStillRunsForTheControlAndIsNotReported() {
    Student student = GoldenCases.student();
    PreparedResponse r = LongResponses.prepare(student, LongResponses.longResponse(STEPS));
    ScoreDefinition both = definition(8, SampleEstimator.DIFFERENCE);
    ScoreDefinition lalpOnly = both.withMetrics(EnumSet.of(Metric.LALP));
    ResponseScore a = scorer(student, both).score(List.of(r), List.of("id")).get(0);
    ResponseScore b = scorer(student, lalpOnly).score(List.of(r), List.of("id")).get(0);
    assertEquals(a.lalp(), b.lalp(), 1e-6);
    assertNull(b.galp());
    CostPlanner.Cost cost = new CostPlanner(lalpOnly, Execution.defaults()).cost(r, "id");
    assertTrue(cost.controlTokens() > r.responseIds().length, "the plan says what GALP costs");
    assertEquals(
        0, new CostPlanner(both, Execution.defaults()).cost(r, "id").controlTokens(), "GALP ran");
    ResponseScore plain =
        scorer(student, lalpOnly.withEstimator(SampleEstimator.PLAIN))
            .score(List.of(r), List.of("id"))
            .get(0);
    assertNotEquals(plain.lalp(), b.lalp(), 1e-9, "another estimate of the same sample");
  }

  @Test
  void stepsTheGalpPassDidNotSeeAreAStratumOfTheirOwnAndTheEstimateIsUnbiased() {
    Student student = GoldenCases.student();
    PreparedResponse r = LongResponses.prepare(student, LongResponses.longResponse(STEPS));
    // GALP sees the prompt and about the first third of the response.
    int max = r.prefixIds().length + r.responseIds().length / 3;
    ScoreDefinition cut = definition(8, SampleEstimator.DIFFERENCE).withMaxTokens(max);
    ResponseScore.WindowScore whole =
        scorer(student, cut.withSampleSteps(0))
            .score(List.of(r), List.of("x"))
            .get(0)
            .windows()
            .get(0);
    double exact = whole.lalp();
    // The steps the GALP pass reaches: those starting before its last token; each step's G over
    // the tokens it has there (the last one's cut where the pass ends).
    int fit = max - r.prefixIds().length;
    double[] g = galpStepMeans(student, r, fit);
    int covered = 0;
    while (covered < STEPS && r.stepBounds()[covered] < fit) {
      covered++;
    }
    assertTrue(covered > 5 && covered < STEPS - 20, "a long uncovered tail: " + covered);
    int draws = 100;
    List<PreparedResponse> same = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < draws; i++) {
      same.add(r);
      ids.add("cut-" + i);
    }
    double sum = 0;
    double sumSq = 0;
    List<ResponseScore> scores = scorer(student, cut).score(same, ids);
    for (int i = 0; i < draws; i++) {
      ResponseScore s = scores.get(i);
      assertTrue(s.truncated());
      ResponseScore.WindowScore w = s.windows().get(0);
      // The stratified formula on this draw's steps, L from the exact run, G from the pass here.
      StepSample.Draw d = StepSample.stratified(ids.get(i), STEPS, covered, 8);
      double coveredG = 0;
      for (int k = 0; k < covered; k++) {
        coveredG += g[k] / covered;
      }
      double differences = 0;
      double uncovered = 0;
      for (int k : d.steps()) {
        if (k < covered) {
          differences += (whole.stepScores()[k] - g[k]) / d.coveredSampled();
        } else {
          uncovered += whole.stepScores()[k] / (8 - d.coveredSampled());
        }
      }
      double formula =
          (double) covered / STEPS * (coveredG + differences)
              + (double) (STEPS - covered) / STEPS * uncovered;
      assertEquals(formula, w.lalp(), 1e-4, ids.get(i));
      assertEquals(covered, w.strata().covered().steps());
      assertEquals(STEPS - covered, w.strata().uncovered().steps());
      assertEquals(StepSample.split(STEPS, covered, 8).covered(), w.strata().covered().sampled());
      sum += w.lalp();
      sumSq += w.lalp() * w.lalp();
    }
    double mean = sum / draws;
    double spread = Math.sqrt((sumSq - draws * mean * mean) / (draws - 1));
    assertTrue(
        Math.abs(mean - exact) <= 3 * spread / Math.sqrt(draws),
        "unbiased within 3 SE: " + mean + " vs " + exact);
  }

  @Test
  void theEstimatorAndTheStratifiedSampleArePartOfTheDefinition() {
    ScoreDefinition sampled = ScoreDefinition.defaults(2048).withSampleSteps(8);
    String before = sampled.withEstimator(null).hash();
    assertEquals(before, sampled.withEstimator(SampleEstimator.PLAIN).hash());
    assertNotEquals(before, sampled.withEstimator(SampleEstimator.DIFFERENCE).hash());
    assertTrue(
        sampled.canonicalForm().endsWith("\nsample-strata=galp-reach"),
        "samples drawn by stratum, with their strata kept: stored parts of before are not reused");
    assertNotEquals(
        sampled.withEstimator(SampleEstimator.PLAIN).partHash("fraction=0.25"),
        sampled.withEstimator(SampleEstimator.DIFFERENCE).partHash("fraction=0.25"));
    assertEquals(
        sampled.withEstimator(SampleEstimator.PLAIN).partHash(Metric.GALP.key()),
        sampled.withEstimator(SampleEstimator.DIFFERENCE).partHash(Metric.GALP.key()),
        "GALP does not depend on how LALP is sampled");
    assertEquals(
        ScoreDefinition.defaults(2048).hash(),
        ScoreDefinition.defaults(2048).withEstimator(SampleEstimator.DIFFERENCE).hash(),
        "without sampling there is no estimator");
  }
}
