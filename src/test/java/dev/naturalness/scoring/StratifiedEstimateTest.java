package dev.naturalness.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.data.Strata;
import dev.naturalness.data.Stratum;
import dev.naturalness.stats.SelectionCertainty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Stratified sampled LALP and its pooled standard error, held to what is computed here from whole
 * step populations: skewed ones (a long lower tail, outlying steps, an uncovered tail that drifts
 * away from the covered steps), drawn by the job's own sampler over hundreds of response ids.
 */
class StratifiedEstimateTest {
  /** One response's step scores L and GALP-context means G, the first {@code covered} covered. */
  record Population(double[] l, double[] g, int covered) {
    double exact() {
      double s = 0;
      for (double v : l) {
        s += v;
      }
      return s / l.length;
    }
  }

  /** A skewed step: mean 0, sd 1, a long lower tail. */
  static double skewed(SplittableRandom r) {
    double a = -Math.log(1 - r.nextDouble());
    double b = -Math.log(1 - r.nextDouble());
    return -(a + b - 2) / Math.sqrt(2);
  }

  /**
   * A response like real multi-teacher traces: skewed steps around a per-response level, 5% of
   * steps far below it, the steps beyond the GALP pass's reach drifting lower, and G tracking L in
   * the covered steps except for a skewed difference.
   */
  static Population realLike(SplittableRandom r, int steps, int covered) {
    double level = -2.5 + 0.5 * gaussian(r);
    double spread = 0.4 + 0.8 * r.nextDouble();
    double drift = 1.5 * r.nextDouble();
    double[] l = new double[steps];
    double[] g = new double[steps];
    for (int k = 0; k < steps; k++) {
      boolean outlier = r.nextDouble() < 0.05;
      l[k] = level + spread * skewed(r) - (outlier ? 3 + 4 * r.nextDouble() : 0);
      if (k >= covered) {
        l[k] -= drift;
      }
      g[k] = l[k] - 0.35 * spread * skewed(r) * (outlier ? 3 : 1);
    }
    return new Population(l, g, covered);
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** The draw of one response id, estimated as the scorer estimates it. */
  static StratifiedEstimate.Estimate draw(Population p, String id, int m) {
    int[] steps = StepSample.stratified(id, p.l().length, p.covered(), m).steps();
    double[] values = new double[steps.length];
    for (int j = 0; j < steps.length; j++) {
      values[j] = p.l()[steps[j]];
    }
    return StratifiedEstimate.estimate(
        p.l().length, p.covered(), steps, values, steps.length, p.g());
  }

  /** A teacher's prior as the job pools it: its responses' draws, per stratum. */
  static StratifiedEstimate.Prior pool(List<Population> teacher, int m) {
    double[] ss = new double[2];
    double[] df = new double[2];
    for (int i = 0; i < teacher.size(); i++) {
      Strata s = draw(teacher.get(i), "pool-" + i, m).strata();
      Stratum[] both = {s.covered(), s.uncovered()};
      for (int h = 0; h < 2; h++) {
        if (both[h].sampled() >= 2 && both[h].sampled() < both[h].steps()) {
          ss[h] += both[h].squares();
          df[h] += both[h].sampled() - 1;
        }
      }
    }
    return new StratifiedEstimate.Prior(ss[0] / df[0], ss[1] / df[1]);
  }

  static List<Population> teacher(long seed, int responses) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Population> out = new ArrayList<>();
    for (int i = 0; i < responses; i++) {
      int steps = 9 + r.nextInt(140);
      out.add(realLike(r, steps, (int) Math.round(steps * (0.05 + 0.95 * r.nextDouble()))));
    }
    return out;
  }

  /** Coverage of estimate +- 2 and 4 se, and the mean standardised error, over ids. */
  record Coverage(double within2, double within4, double meanZ, double bias, double biasLimit) {}

  static Coverage coverage(
      List<Population> responses, StratifiedEstimate.Prior prior, int m, int ids) {
    int n = 0;
    int two = 0;
    int four = 0;
    double z = 0;
    double bias = 0;
    double biasVariance = 0;
    for (int i = 0; i < responses.size(); i++) {
      Population p = responses.get(i);
      double exact = p.exact();
      double sum = 0;
      double sumSq = 0;
      for (int d = 0; d < ids; d++) {
        StratifiedEstimate.Estimate e = draw(p, "r" + i + "-" + d, m);
        double se = StratifiedEstimate.standardError(e.strata(), prior);
        double err = e.lalp() - exact;
        sum += err;
        sumSq += err * err;
        if (se == 0) {
          assertEquals(exact, e.lalp(), 1e-9, "scored whole");
          continue;
        }
        n++;
        two += Math.abs(err) <= 2 * se ? 1 : 0;
        four += Math.abs(err) <= 4 * se ? 1 : 0;
        z += err / se;
      }
      bias += sum / ids;
      biasVariance += (sumSq / ids - (sum / ids) * (sum / ids)) / ids;
    }
    return new Coverage(
        (double) two / n,
        (double) four / n,
        z / n,
        bias / responses.size(),
        3 * Math.sqrt(biasVariance) / responses.size());
  }

  @Test
  void aResponseWithALongUncoveredTailIsCoveredAtItsNominalRate() {
    // 40 steps, the GALP pass reaching the first 8: the uncovered 32 lie several nats lower and
    // spread far more than the covered steps' differences.
    SplittableRandom r = new SplittableRandom(7);
    double[] l = new double[40];
    double[] g = new double[40];
    for (int k = 0; k < 40; k++) {
      if (k < 8) {
        l[k] = -2 + 0.3 * gaussian(r);
        g[k] = l[k] - 0.05 * gaussian(r);
      } else {
        l[k] = -5 + 1.2 * skewed(r);
        g[k] = Double.NaN; // beyond the GALP pass: never read
      }
    }
    Population tail = new Population(l, g, 8);
    List<Population> pool = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      double[] pl = new double[40];
      double[] pg = new double[40];
      for (int k = 0; k < 40; k++) {
        pl[k] = k < 8 ? -2 + 0.3 * gaussian(r) : -5 + 1.2 * skewed(r);
        pg[k] = k < 8 ? pl[k] - 0.05 * gaussian(r) : Double.NaN;
      }
      pool.add(new Population(pl, pg, 8));
    }
    for (int m : new int[] {4, 8}) {
      StratifiedEstimate.Prior prior = pool(pool, m);
      Coverage c = coverage(List.of(tail), prior, m, 400);
      Coverage own = coverage(List.of(tail), StratifiedEstimate.Prior.NONE, m, 400);
      System.out.printf(
          Locale.ROOT,
          "long uncovered tail, m=%d: within 2 se %.3f, 4 se %.3f, mean z %+.3f (own draws alone:"
              + " %.3f, %.3f)%n",
          m,
          c.within2(),
          c.within4(),
          c.meanZ(),
          own.within2(),
          own.within4());
      assertTrue(Math.abs(c.bias()) <= c.biasLimit(), "unbiased: " + c);
      assertTrue(c.within2() >= 0.90 && c.within2() <= 0.98, "within 2 se: " + c);
      assertTrue(c.within4() >= 0.99, "within 4 se: " + c);
    }
  }

  @Test
  void onRealLikeSkewedStepsTheCoverageIsNominal() {
    List<Population> teacher = teacher(11, 100);
    for (int m : new int[] {4, 8}) {
      StratifiedEstimate.Prior prior = pool(teacher(12, 100), m);
      Coverage c = coverage(teacher, prior, m, 200);
      Coverage own = coverage(teacher, StratifiedEstimate.Prior.NONE, m, 200);
      System.out.printf(
          Locale.ROOT,
          "real-like skewed steps, m=%d: within 2 se %.3f, 4 se %.3f, mean z %+.3f (own draws"
              + " alone: %.3f, %.3f, %+.3f)%n",
          m,
          c.within2(),
          c.within4(),
          c.meanZ(),
          own.within2(),
          own.within4(),
          own.meanZ());
      assertTrue(Math.abs(c.bias()) <= c.biasLimit(), "unbiased: " + c);
      assertTrue(c.within2() >= 0.90 && c.within2() <= 0.98, "within 2 se: " + c);
      assertTrue(c.within4() >= 0.99, "within 4 se: " + c);
      assertTrue(own.within2() < c.within2(), "the prior is what keeps the error honest");
    }
  }

  @Test
  void allStepsDrawnIsTheExactMeanWithNoError() {
    Population p = realLike(new SplittableRandom(3), 12, 5);
    for (int m : new int[] {12, 30}) {
      int[] steps = StepSample.stratified("id", 12, 5, m).steps();
      assertEquals(12, steps.length);
      double[] values = new double[12];
      for (int k = 0; k < 12; k++) {
        values[k] = p.l()[steps[k]];
      }
      // The scorer treats a response of at most m steps as exact: all its steps, no strata.
      double mean = 0;
      for (double v : values) {
        mean += v / 12;
      }
      assertEquals(p.exact(), mean, 1e-12);
    }
    // A stratum drawn whole adds nothing; a sample of the other does.
    StratifiedEstimate.Estimate e = draw(p, "id", 6);
    assertEquals(
        new Strata(
            new Stratum(5, 3, e.strata().covered().squares()),
            new Stratum(7, 3, e.strata().uncovered().squares())),
        e.strata());
    assertTrue(StratifiedEstimate.standardError(e.strata(), StratifiedEstimate.Prior.NONE) > 0);
    Strata whole = new Strata(new Stratum(5, 5, 0.3), new Stratum(7, 7, 0.4));
    assertEquals(0.0, StratifiedEstimate.standardError(whole, StratifiedEstimate.Prior.NONE), 0);
  }

  @Test
  void theSplitIsProportionalWithAtLeastTwoDrawsAStratumAndSmallStrataWhole() {
    assertEquals(List.of(2, 6), split(100, 10, 8), "proportional, at least 2 covered");
    assertEquals(List.of(4, 4), split(100, 50, 8));
    assertEquals(List.of(2, 2), split(100, 50, 3), "m < 4: 2 each");
    assertEquals(List.of(1, 7), split(100, 1, 8), "a stratum of 1 step scored whole");
    assertEquals(List.of(0, 8), split(100, 0, 8), "the plain estimator: one stratum");
    assertEquals(List.of(8, 0), split(100, 100, 8), "all covered");
    assertEquals(List.of(5, 3), split(9, 6, 8));
    assertEquals(List.of(6, 2), split(20, 18, 8), "an uncovered stratum of 2 steps scored whole");
    assertEquals(List.of(2, 6), split(10, 2, 8), "a covered stratum of 2 steps scored whole");
    assertEquals(List.of(7, 2), split(10, 8, 9), "what one stratum cannot take goes to the other");
    // Without a covered stratum the draw is the plain sample the job always drew.
    assertEquals(
        Arrays.toString(StepSample.choose("r-1", 50, 6)),
        Arrays.toString(StepSample.stratified("r-1", 50, 0, 6).steps()));
  }

  static List<Integer> split(int steps, int covered, int m) {
    StepSample.Allotment s = StepSample.split(steps, covered, m);
    return List.of(s.covered(), s.uncovered());
  }

  /**
   * A response whose steps are normal around its level (the premise of the normal approximation).
   */
  static Population normal(SplittableRandom r, int steps, double level) {
    double[] l = new double[steps];
    double[] g = new double[steps];
    for (int k = 0; k < steps; k++) {
      l[k] = level + 0.8 * gaussian(r);
      g[k] = l[k] - 0.3 * gaussian(r);
    }
    return new Population(l, g, steps / 3);
  }

  /** Per prompt: the share of ids whose sampled pick is exact's, and the mean certainty. */
  static double[] certainty(
      List<Population> candidates, StratifiedEstimate.Prior prior, int m, String prompt) {
    int best = argmax(candidates.stream().mapToDouble(Population::exact).toArray());
    int agree = 0;
    double certainty = 0;
    int ids = 200;
    for (int d = 0; d < ids; d++) {
      double[] means = new double[candidates.size()];
      double[] errors = new double[candidates.size()];
      for (int c = 0; c < candidates.size(); c++) {
        StratifiedEstimate.Estimate e = draw(candidates.get(c), prompt + "c" + c + "-" + d, m);
        means[c] = e.lalp();
        errors[c] = StratifiedEstimate.standardError(e.strata(), prior);
      }
      int picked = argmax(means);
      agree += picked == best ? 1 : 0;
      certainty += SelectionCertainty.probabilityBest(means, errors, picked) / ids;
    }
    return new double[] {(double) agree / ids, certainty};
  }

  /**
   * Over prompts from near ties to clear winners, the mean certainty of the picks is the share of
   * draws that pick what exact scores pick (within 0.1), and a pick said to be at least 90% sure is
   * exact's in at least 85% of draws. (On one prompt the normal approximation is off where the
   * candidates nearly tie: the top estimate is top partly by its own error, which it does not know;
   * such picks are reported as uncertain all the same.)
   */
  @Test
  void selectionCertaintyIsTheShareOfDrawsThatPickWhatExactScoresPick() {
    SplittableRandom r = new SplittableRandom(21);
    int m = 4;
    List<Population> pool = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      pool.add(normal(r, 20 + r.nextInt(60), -2));
    }
    checkCalibration(
        r,
        pool(pool, m),
        m,
        "normal",
        (rng, shift) -> {
          Population p = normal(rng, 20 + rng.nextInt(60), -2 + shift);
          return p;
        });
    checkCalibration(
        r,
        pool(teacher(22, 100), m),
        m,
        "skewed",
        (rng, shift) -> {
          int steps = 20 + rng.nextInt(60);
          Population p = realLike(rng, steps, steps / 3);
          double[] l = p.l().clone();
          double[] g = p.g().clone();
          for (int k = 0; k < l.length; k++) {
            l[k] += shift;
            g[k] += shift;
          }
          return new Population(l, g, p.covered());
        });
  }

  interface Candidate {
    Population make(SplittableRandom r, double shift);
  }

  static void checkCalibration(
      SplittableRandom r, StratifiedEstimate.Prior prior, int m, String kind, Candidate make) {
    double share = 0;
    double mean = 0;
    int prompts = 12;
    int sure = 0;
    double sureShare = 0;
    for (int prompt = 0; prompt < prompts; prompt++) {
      List<Population> candidates = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        candidates.add(make.make(r, 0.08 * prompt * c));
      }
      double[] sc = certainty(candidates, prior, m, kind + prompt);
      System.out.printf(
          Locale.ROOT,
          "%s steps, prompt %d: sampled picks exact's choice in %.2f of draws, mean certainty"
              + " %.2f%n",
          kind,
          prompt,
          sc[0],
          sc[1]);
      share += sc[0] / prompts;
      mean += sc[1] / prompts;
      if (sc[1] >= 0.9) {
        sure++;
        sureShare += sc[0];
      }
    }
    System.out.printf(
        Locale.ROOT, "%s steps: share %.3f, mean certainty %.3f%n", kind, share, mean);
    assertEquals(share, mean, 0.1, kind + ": over the prompts");
    assertTrue(sure == 0 || sureShare / sure >= 0.85, kind + ": sure picks are right");
  }

  static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
