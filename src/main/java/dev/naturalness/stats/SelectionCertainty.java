package dev.naturalness.stats;

/**
 * How sure a selection from sampled scores is: the probability that the selected response is the
 * best of its prompt's candidates, when each candidate's score is taken as normal around its
 * estimate with its standard error (an exact score has none), independently of the others:
 *
 * <pre>
 * P(best) = integral of N(x; lalp_s, se_s) x product over j != s of Phi((x - lalp_j) / se_j) dx
 * </pre>
 *
 * 1 when every score is exact (the selection is what the definition picks). Taken at face value
 * these estimates overstate a pick's certainty where candidates nearly tie; {@link
 * #probabilityBest(double[], double[], int, GapPrior)} weighs them with what the run's prompts say
 * of the gaps between candidates.
 */
public final class SelectionCertainty {
  /** Simpson intervals over the selected score's +-8 standard errors. */
  private static final int INTERVALS = 400;

  /**
   * Simpson intervals per component of a mixture belief: a prompt's certainty sums tens of such
   * integrals; at a twentieth of a standard deviation per step, it moves by under 1e-4 from 400.
   */
  private static final int MIXTURE_INTERVALS = 160;

  private SelectionCertainty() {}

  /**
   * @param means the candidates' estimates
   * @param errors their standard errors (0 for an exact score)
   * @param selected the index of the selected candidate (which wins ties, as the selection does)
   */
  public static double probabilityBest(double[] means, double[] errors, int selected) {
    double mu = means[selected];
    double sigma = errors[selected];
    if (sigma == 0) {
      return winsAt(mu, means, errors, selected);
    }
    // An exact rival is a step in the integrand: integrate from it, where the integrand is smooth,
    // rather than across it (Simpson's rule across a step is off by a share of a step's width).
    double from = mu - 8 * sigma;
    double to = mu + 8 * sigma;
    for (int j = 0; j < means.length; j++) {
      if (j != selected && errors[j] == 0) {
        from = Math.max(from, means[j]);
      }
    }
    if (from >= to) {
      return 0;
    }
    double h = (to - from) / INTERVALS;
    double total = 0;
    for (int i = 0; i <= INTERVALS; i++) {
      double x = from + i * h;
      double weight = i == 0 || i == INTERVALS ? 1 : i % 2 == 1 ? 4 : 2;
      total += weight * density((x - mu) / sigma) / sigma * winsAt(x, means, errors, selected);
    }
    return Math.max(0, Math.min(1, total * h / 3));
  }

  /**
   * The certainty under a prior on the gaps between candidates: each of its spreads' P(best) with
   * the candidates shrunk as that spread implies, weighted by the spread's posterior given the
   * prompt. Under the spread 0 every candidate ties, and the pick is best in 1 of n. Without a
   * prior (null) the estimates' own.
   */
  public static double probabilityBest(
      double[] means, double[] errors, int selected, GapPrior prior) {
    if (prior == null) {
      return probabilityBest(means, errors, selected);
    }
    if (means.length == 1) {
      return 1;
    }
    double[] posterior = prior.posterior(means, errors);
    double total = 0;
    double weight = 0;
    for (int k = 0; k < posterior.length; k++) {
      // A spread the prompt all but rules out moves the certainty by less than its weight: skip it.
      if (posterior[k] < 1e-4) {
        continue;
      }
      total += posterior[k] * probabilityBest(prior.shrunk(means, errors, k), selected);
      weight += posterior[k];
    }
    return Math.max(0, Math.min(1, total / weight));
  }

  /**
   * What is believed of one candidate's score: a mixture of normals (weights summing to 1; a
   * standard deviation of 0 is a point).
   */
  static final class Belief {
    final double[] weights;
    final double[] means;
    final double[] sds;

    Belief(double[] weights, double[] means, double[] sds) {
      this.weights = weights;
      this.means = means;
      this.sds = sds;
    }

    /** Whether the score is known: every component the same point. */
    boolean exact() {
      for (int c = 0; c < sds.length; c++) {
        if (sds[c] != 0 || means[c] != means[0]) {
          return false;
        }
      }
      return true;
    }

    /** P(score &lt;= x). */
    double below(double x) {
      double p = 0;
      for (int c = 0; c < weights.length; c++) {
        p += weights[c] * (sds[c] == 0 ? (means[c] <= x ? 1 : 0) : cdf((x - means[c]) / sds[c]));
      }
      return p;
    }
  }

  /**
   * P(best) for candidates believed as mixtures: per component of the pick's belief, its weight
   * times the integral of its density against every rival's distribution function (Simpson over its
   * +-8 standard deviations), or the rivals' distribution at its point.
   */
  static double probabilityBest(Belief[] candidates, int selected) {
    Belief pick = candidates[selected];
    double total = 0;
    for (int c = 0; c < pick.weights.length; c++) {
      double mu = pick.means[c];
      double sigma = pick.sds[c];
      if (sigma == 0) {
        total += pick.weights[c] * winsAt(mu, candidates, selected);
        continue;
      }
      double from = mu - 8 * sigma;
      double to = mu + 8 * sigma;
      // An exact rival is a step in the integrand: integrate from it (as for plain estimates).
      for (int j = 0; j < candidates.length; j++) {
        if (j != selected && candidates[j].exact()) {
          from = Math.max(from, candidates[j].means[0]);
        }
      }
      if (from >= to) {
        continue;
      }
      double h = (to - from) / MIXTURE_INTERVALS;
      double part = 0;
      for (int i = 0; i <= MIXTURE_INTERVALS; i++) {
        double x = from + i * h;
        double weight = i == 0 || i == MIXTURE_INTERVALS ? 1 : i % 2 == 1 ? 4 : 2;
        part += weight * density((x - mu) / sigma) / sigma * winsAt(x, candidates, selected);
      }
      total += pick.weights[c] * part * h / 3;
    }
    return Math.max(0, Math.min(1, total));
  }

  private static double winsAt(double x, Belief[] candidates, int selected) {
    double p = 1;
    for (int j = 0; j < candidates.length && p > 0; j++) {
      if (j != selected) {
        p *= candidates[j].below(x);
      }
    }
    return p;
  }

  /** The chance that every other candidate scores at most x. */
  private static double winsAt(double x, double[] means, double[] errors, int selected) {
    double p = 1;
    for (int j = 0; j < means.length; j++) {
      if (j == selected) {
        continue;
      }
      p *= errors[j] == 0 ? (means[j] <= x ? 1 : 0) : cdf((x - means[j]) / errors[j]);
      if (p == 0) {
        return 0;
      }
    }
    return p;
  }

  static double density(double z) {
    return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  }

  /** The standard normal distribution function, from erfc (absolute error below 1.2e-7). */
  static double cdf(double z) {
    return 0.5 * erfc(-z / Math.sqrt(2));
  }

  /** erfc by Chebyshev fitting (Numerical Recipes' erfcc): relative error below 1.2e-7. */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r =
        t
            * Math.exp(
                -z * z
                    - 1.26551223
                    + t
                        * (1.00002368
                            + t
                                * (0.37409196
                                    + t
                                        * (0.09678418
                                            + t
                                                * (-0.18628806
                                                    + t
                                                        * (0.27886807
                                                            + t
                                                                * (-1.13520398
                                                                    + t
                                                                        * (1.48851587
                                                                            + t
                                                                                * (-0.82215223
                                                                                    + t
                                                                                        * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }
}
