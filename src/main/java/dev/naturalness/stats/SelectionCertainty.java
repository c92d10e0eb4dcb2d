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
 * 1 when every score is exact (the selection is what the definition picks).
 */
public final class SelectionCertainty {
  /** Simpson intervals over the selected score's +-8 standard errors. */
  private static final int INTERVALS = 400;

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
