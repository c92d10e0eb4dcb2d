package dev.naturalness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The prior on the gaps between candidates, and the error model an exact check fits. */
class GapPriorTest {
  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** Prompts of n candidates with errors se, true scores spread by tau (0: all tie). */
  static List<double[][]> prompts(long seed, int count, int n, double se, double tau) {
    SplittableRandom r = new SplittableRandom(seed);
    List<double[][]> out = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      double[] truth = new double[n];
      double[] means = new double[n];
      double[] errors = new double[n];
      for (int i = 0; i < n; i++) {
        truth[i] = -2 + tau * gaussian(r);
        means[i] = truth[i] + se * gaussian(r);
        errors[i] = se;
      }
      out.add(new double[][] {means, errors, truth});
    }
    return out;
  }

  static GapPrior fit(List<double[][]> prompts) {
    return GapPrior.fit(
        prompts.stream().map(p -> p[0]).toList(),
        prompts.stream().map(p -> p[1]).toList(),
        ErrorModel.STATED);
  }

  static int top(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      best = v[i] > v[best] ? i : best;
    }
    return best;
  }

  @Test
  void whenEveryPromptsCandidatesTieThePickIsBestOneTimeInN() {
    // The estimates alone spread as far as their errors, so the top one looks ahead: at face value
    // a pick among 5 looks far surer than 1 in 5. The prior learns from the run that candidates
    // sit at its lowest spread (a quarter of an error), where a pick is best about 1 time in 3.5.
    List<double[][]> run = prompts(1, 2000, 5, 0.1, 0);
    GapPrior prior = fit(run);
    double faceValue = 0;
    double weighed = 0;
    for (double[][] p : run) {
      faceValue += SelectionCertainty.probabilityBest(p[0], p[1], top(p[0])) / run.size();
      weighed += SelectionCertainty.probabilityBest(p[0], p[1], top(p[0]), prior) / run.size();
    }
    assertTrue(faceValue > 0.45, "at face value " + faceValue);
    assertEquals(0.2, weighed, 0.1, "with the prior");
    assertTrue(prior.typicalSpread() < 0.1, "typical spread " + prior.typicalSpread());
  }

  @Test
  void onNormalErrorsTheCertaintyIsTheShareOfPicksThatAreBest() {
    // Spreads from ties to clear gaps, errors as stated: the Bayes posterior under the prior the
    // run learns is calibrated where face value is too sure.
    List<double[][]> run = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      run.addAll(prompts(10 + k, 300, 4, 0.1, 0.03 * k));
    }
    GapPrior prior = fit(run);
    double agree = 0;
    double weighed = 0;
    double faceValue = 0;
    for (double[][] p : run) {
      int picked = top(p[0]);
      agree += picked == top(p[2]) ? 1.0 / run.size() : 0;
      weighed += SelectionCertainty.probabilityBest(p[0], p[1], picked, prior) / run.size();
      faceValue += SelectionCertainty.probabilityBest(p[0], p[1], picked) / run.size();
    }
    assertEquals(agree, weighed, 0.03, "with the prior (face value " + faceValue + ")");
    assertTrue(faceValue - agree > 0.05, "face value " + faceValue + " against " + agree);
  }

  @Test
  void theCertaintiesOfAPromptsCandidatesSumToOne() {
    GapPrior prior = fit(prompts(3, 500, 4, 0.2, 0.2));
    double[] means = {-1.0, -1.1, -1.4, -0.9};
    double[] errors = {0.1, 0.2, 0.05, 0.3};
    double total = 0;
    for (int i = 0; i < means.length; i++) {
      total += SelectionCertainty.probabilityBest(means, errors, i, prior);
    }
    assertEquals(1.0, total, 1e-3);
  }

  @Test
  void aClearWinnerStaysCertainAndExactScoresStayExact() {
    GapPrior prior = fit(prompts(4, 500, 4, 0.1, 0.2));
    assertTrue(
        SelectionCertainty.probabilityBest(
                new double[] {0, -3, -3.2}, new double[] {0.1, 0.1, 0.1}, 0, prior)
            > 0.999);
    double[] exact = {0, 0, 0};
    assertEquals(
        1.0, SelectionCertainty.probabilityBest(new double[] {-1, -2, -3}, exact, 0, prior), 0);
    assertEquals(
        0.0, SelectionCertainty.probabilityBest(new double[] {-1, -2, -3}, exact, 1, prior), 0);
    assertEquals(
        1.0, SelectionCertainty.probabilityBest(new double[] {-1}, new double[] {0.1}, 0, prior));
  }

  @Test
  void withoutAPriorOrAnythingToLearnTheEstimatesSpeakForThemselves() {
    double[] means = {-1.0, -1.3};
    double[] errors = {0.2, 0.3};
    assertEquals(
        SelectionCertainty.probabilityBest(means, errors, 0),
        SelectionCertainty.probabilityBest(means, errors, 0, null),
        0);
    assertNull(
        GapPrior.fit(
            List.of(new double[] {-1, -2}), List.of(new double[] {0, 0}), ErrorModel.STATED));
    assertNull(
        GapPrior.fit(List.of(new double[] {-1}), List.of(new double[] {0.1}), ErrorModel.STATED));
  }

  @Test
  void theErrorModelFitsAPeakedLopsidedSampleAndNeedsEnoughOfIt() {
    assertSame(ErrorModel.STATED, ErrorModel.fit(new double[ErrorModel.MIN_CHECKED - 1]));
    SplittableRandom r = new SplittableRandom(5);
    double[] z = new double[5000];
    double below = 0;
    for (int i = 0; i < z.length; i++) {
      // Most errors a little above exact and narrow; one in ten far below and wide.
      z[i] = r.nextDouble() < 0.9 ? 0.3 + 0.5 * gaussian(r) : -2 + 1.5 * gaussian(r);
      below += z[i] < -1 ? 1.0 / z.length : 0;
    }
    ErrorModel fitted = ErrorModel.fit(z);
    double mean = 0.9 * 0.3 + 0.1 * -2;
    double second = 0.9 * (0.25 + 0.09) + 0.1 * (2.25 + 4);
    assertEquals(mean, fitted.mean(), 0.05);
    assertEquals(second - mean * mean, fitted.variance(), 0.1 * (second - mean * mean));
    double modelBelow = 0;
    for (double[] c : fitted.components(1)) {
      modelBelow += c[0] * SelectionCertainty.cdf((-1 - c[1]) / c[2]);
    }
    assertEquals(below, modelBelow, 0.01, "P(z < -1)");
    assertTrue(ErrorModel.STATED.stated());
    assertTrue(!fitted.stated());
  }
}
