package dev.naturalness.scoring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.stats.ErrorModel;
import dev.naturalness.stats.GapPrior;
import dev.naturalness.stats.SelectionCertainty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The selection's certainty held to how often the sampled pick is exact's, on corpora built to
 * break it: 3-8 candidates a prompt whose exact LALPs lie 0 to several standard errors apart, each
 * drawn by the job's own sampler and estimator from skewed step populations with outlying steps, a
 * few steps far below the rest and, for a third of the responses, a GALP pass cut off early. In one
 * corpus the pooled priors come from responses like the candidates (the stated errors run wide); in
 * the other from tamer ones (the stated errors run narrow, as on real traces). A tenth of the
 * prompts stand for the run's exact check, which sets the error scale.
 */
class SelectionCalibrationTest {
  /** One prompt: its candidates' estimates, standard errors and exact LALPs. */
  record Prompt(double[] means, double[] errors, double[] exact) {
    int picked() {
      return top(means);
    }

    int exactBest() {
      return top(exact);
    }

    private static int top(double[] v) {
      int best = 0;
      for (int i = 1; i < v.length; i++) {
        if (v[i] > v[best]) {
          best = i;
        }
      }
      return best;
    }
  }

  /** A response's steps: real-like, some cut off early, some with a few steps far below. */
  static StratifiedEstimateTest.Population response(SplittableRandom r, boolean heavy) {
    int steps = 9 + r.nextInt(140);
    double reach =
        heavy && r.nextDouble() < 1.0 / 3
            ? 0.05 + 0.15 * r.nextDouble()
            : 0.2 + 0.8 * r.nextDouble();
    StratifiedEstimateTest.Population p =
        StratifiedEstimateTest.realLike(r, steps, (int) Math.round(steps * reach));
    if (heavy && r.nextDouble() < 0.2) {
      for (int far = 1 + r.nextInt(3); far > 0; far--) {
        int k = r.nextInt(steps);
        double drop = 10 + 10 * r.nextDouble();
        p.l()[k] -= drop;
        p.g()[k] -= drop * r.nextDouble();
      }
    }
    return p;
  }

  /**
   * Prompts whose candidates carry the estimator's own errors, added to exact scores spread by tau
   * = u x the prompt's median standard error, u uniform on [0, 4).
   *
   * @param heavyPrior whether the pooled priors come from responses as heavy as the candidates
   */
  static List<Prompt> corpus(long seed, int prompts, int m, boolean heavyPrior) {
    SplittableRandom r = new SplittableRandom(seed);
    List<StratifiedEstimateTest.Population> others = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      others.add(response(r, heavyPrior));
    }
    StratifiedEstimate.Prior prior = StratifiedEstimateTest.pool(others, m);
    List<Prompt> out = new ArrayList<>();
    for (int p = 0; p < prompts; p++) {
      int n = 3 + r.nextInt(6);
      double[] errorOf = new double[n];
      double[] se = new double[n];
      for (int i = 0; i < n; i++) {
        StratifiedEstimateTest.Population pop = response(r, true);
        StratifiedEstimate.Estimate e =
            StratifiedEstimateTest.draw(pop, seed + "-" + p + "-" + i, m);
        errorOf[i] = e.lalp() - pop.exact();
        se[i] = StratifiedEstimate.standardError(e.strata(), prior);
      }
      double typical = median(se);
      double tau = 4 * r.nextDouble() * (typical > 0 ? typical : 0.1);
      double[] exact = new double[n];
      double[] means = new double[n];
      for (int i = 0; i < n; i++) {
        exact[i] = -2.5 + tau * StratifiedEstimateTest.gaussian(r);
        means[i] = exact[i] + errorOf[i];
      }
      out.add(new Prompt(means, se, exact));
    }
    return out;
  }

  /** Certainty against agreement, overall and per bin of width 0.2: {prompts, certainty, agree}. */
  record Calibration(double meanCertainty, double agreement, double[][] bins) {}

  static Calibration calibration(List<Prompt> prompts, GapPrior prior) {
    double[][] bins = new double[5][3];
    double certainty = 0;
    double agreement = 0;
    for (Prompt p : prompts) {
      int picked = p.picked();
      double c = SelectionCertainty.probabilityBest(p.means(), p.errors(), picked, prior);
      double agrees = picked == p.exactBest() ? 1 : 0;
      double[] bin = bins[Math.min(4, (int) (c / 0.2))];
      bin[0]++;
      bin[1] += c;
      bin[2] += agrees;
      certainty += c;
      agreement += agrees;
    }
    for (double[] bin : bins) {
      bin[1] /= bin[0];
      bin[2] /= bin[0];
    }
    return new Calibration(certainty / prompts.size(), agreement / prompts.size(), bins);
  }

  /** The run's prior: the error scale from the checked prompts (every tenth), the gaps from all. */
  static GapPrior runPrior(List<Prompt> prompts) {
    List<Double> z = new ArrayList<>();
    for (int p = 0; p < prompts.size(); p += 10) {
      Prompt checked = prompts.get(p);
      for (int i = 0; i < checked.means().length; i++) {
        if (checked.errors()[i] > 0) {
          z.add((checked.means()[i] - checked.exact()[i]) / checked.errors()[i]);
        }
      }
    }
    ErrorModel errors = ErrorModel.fit(z.stream().mapToDouble(Double::doubleValue).toArray());
    return GapPrior.fit(
        prompts.stream().map(Prompt::means).toList(),
        prompts.stream().map(Prompt::errors).toList(),
        errors);
  }

  /** Prompts a corpus: enough that the bins the test holds have a hundred or more (but one). */
  static final int PROMPTS = 3000;

  @Test
  void theCertaintyMatchesTheAgreementWithExactOverallAndPerBin() {
    List<String> failures = new ArrayList<>();
    for (boolean heavyPrior : new boolean[] {true, false}) {
      for (int m : new int[] {4, 8}) {
        for (long seed : new long[] {1, 2}) {
          List<Prompt> prompts = corpus(seed, PROMPTS, m, heavyPrior);
          GapPrior prior = runPrior(prompts);
          Calibration calibrated = calibration(prompts, prior);
          Calibration faceValue = calibration(prompts, null);
          // Without an exact check: the prior on gaps with the errors as stated (not held).
          Calibration stated =
              calibration(
                  prompts,
                  GapPrior.fit(
                      prompts.stream().map(Prompt::means).toList(),
                      prompts.stream().map(Prompt::errors).toList(),
                      ErrorModel.STATED));
          print(heavyPrior, m, seed, prior, calibrated, List.of(faceValue, stated));
          String where = (heavyPrior ? "wide" : "narrow") + " errors, m=" + m + " seed " + seed;
          if (Math.abs(calibrated.meanCertainty() - calibrated.agreement()) > 0.08) {
            failures.add("mean certainty against agreement, " + where);
          }
          for (double[] bin : calibrated.bins()) {
            if (bin[0] >= 30 && Math.abs(bin[1] - bin[2]) > 0.1) {
              failures.add("bin of certainty " + bin[1] + ": agreement " + bin[2] + ", " + where);
            }
          }
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("; ", failures));
  }

  private static void print(
      boolean heavyPrior,
      int m,
      long seed,
      GapPrior prior,
      Calibration calibrated,
      List<Calibration> others) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s errors, m=%d, seed %d, errors %s: agreement %.3f, certainty %.3f (at"
                    + " face value %.3f, errors as stated %.3f); per bin prompts"
                    + " certainty/agreement:",
                heavyPrior ? "wide" : "narrow",
                m,
                seed,
                prior.errorModel(),
                calibrated.agreement(),
                calibrated.meanCertainty(),
                others.get(0).meanCertainty(),
                others.get(1).meanCertainty()));
    for (double[] bin : calibrated.bins()) {
      line.append(String.format(Locale.ROOT, " %.0f %.2f/%.2f", bin[0], bin[1], bin[2]));
    }
    for (int o = 0; o < others.size(); o++) {
      line.append(o == 0 ? " | at face value:" : " | errors as stated:");
      for (double[] bin : others.get(o).bins()) {
        line.append(String.format(Locale.ROOT, " %.0f %.2f/%.2f", bin[0], bin[1], bin[2]));
      }
    }
    System.out.println(line);
  }

  static double median(double[] values) {
    double[] a = values.clone();
    Arrays.sort(a);
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }
}
