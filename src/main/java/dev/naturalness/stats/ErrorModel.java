package dev.naturalness.stats;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * How sampled estimates err against exact scores, in units of their stated standard errors: the
 * standardised error z = (estimate - exact) / se as a mixture of normals, each with its weight,
 * centre and spread. Sampled errors are neither normal nor symmetric: most lie a little above
 * exact, well within their stated size, and a few lie far below (a sampled step far below the rest
 * counts for many unsampled ones; a GALP pass cut off early leaves most steps uncovered). A normal
 * of any one scale either overstates the middle, making near-ties look less sure than they are, or
 * misplaces the tails: which of near-tied candidates comes out on top turns on the side errors lean
 * to. {@link #STATED} takes the errors as stated (one normal, centre 0, spread 1); {@link #fit}
 * learns a three-component mixture from an exact check.
 */
public final class ErrorModel implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The errors as the estimator states them. */
  public static final ErrorModel STATED =
      new ErrorModel(new double[] {1}, new double[] {0}, new double[] {1});

  /**
   * Fewer checked errors than this leave the errors as stated: below a few hundred, a tail of a few
   * percent rests on a handful of responses.
   */
  public static final int MIN_CHECKED = 200;

  /**
   * Three components: the middle and one for each tail, which is what the checked errors of skewed
   * step populations need (two leave the lopsided tail to the middle, more fit the sample's noise).
   */
  static final int COMPONENTS = 3;

  /** EM iterations (it settles in tens; the cap bounds a flat likelihood). */
  private static final int ITERATIONS = 1000;

  /** No component narrower than this (in se): a cluster of near-zero errors is not a point. */
  static final double MIN_SPREAD = 0.05;

  private final double[] weights;
  private final double[] centres;
  private final double[] spreads;

  private ErrorModel(double[] weights, double[] centres, double[] spreads) {
    this.weights = weights;
    this.centres = centres;
    this.spreads = spreads;
  }

  /** The components at a candidate with standard error se: {weight, centre, sd} each. */
  public double[][] components(double se) {
    double[][] out = new double[weights.length][];
    for (int c = 0; c < weights.length; c++) {
      out[c] = new double[] {weights[c], centres[c] * se, spreads[c] * se};
    }
    return out;
  }

  /** The mean error at unit standard error. */
  public double mean() {
    double m = 0;
    for (int c = 0; c < weights.length; c++) {
      m += weights[c] * centres[c];
    }
    return m;
  }

  /** The errors' variance at unit standard error. */
  public double variance() {
    double second = 0;
    for (int c = 0; c < weights.length; c++) {
      second += weights[c] * (spreads[c] * spreads[c] + centres[c] * centres[c]);
    }
    double m = mean();
    return second - m * m;
  }

  /** Whether this is the errors as stated. */
  public boolean stated() {
    return weights.length == 1 && centres[0] == 0 && spreads[0] == 1;
  }

  /**
   * The mixture that maximises the checked errors' likelihood (EM from the quantiles' thirds), or
   * the errors as stated with fewer than {@link #MIN_CHECKED} of them.
   */
  public static ErrorModel fit(double[] z) {
    if (z.length < MIN_CHECKED) {
      return STATED;
    }
    double[] sorted = z.clone();
    Arrays.sort(sorted);
    double[] w = new double[COMPONENTS];
    double[] c = new double[COMPONENTS];
    double[] s = new double[COMPONENTS];
    for (int k = 0; k < COMPONENTS; k++) {
      int from = k * sorted.length / COMPONENTS;
      int to = (k + 1) * sorted.length / COMPONENTS;
      double sum = 0;
      double sumSq = 0;
      for (int i = from; i < to; i++) {
        sum += sorted[i];
        sumSq += sorted[i] * sorted[i];
      }
      w[k] = (to - from) / (double) sorted.length;
      c[k] = sum / (to - from);
      s[k] = Math.max(MIN_SPREAD, Math.sqrt(Math.max(0, sumSq / (to - from) - c[k] * c[k])));
    }
    double[] r = new double[COMPONENTS];
    for (int it = 0; it < ITERATIONS; it++) {
      double[] n = new double[COMPONENTS];
      double[] sum = new double[COMPONENTS];
      double[] sumSq = new double[COMPONENTS];
      for (double v : z) {
        double total = 0;
        for (int k = 0; k < COMPONENTS; k++) {
          r[k] = w[k] * SelectionCertainty.density((v - c[k]) / s[k]) / s[k];
          total += r[k];
        }
        for (int k = 0; k < COMPONENTS; k++) {
          double p = total > 0 ? r[k] / total : 1.0 / COMPONENTS;
          n[k] += p;
          sum[k] += p * v;
          sumSq[k] += p * v * v;
        }
      }
      double moved = 0;
      for (int k = 0; k < COMPONENTS; k++) {
        double weight = n[k] / z.length;
        double centre = n[k] > 0 ? sum[k] / n[k] : c[k];
        double spread =
            n[k] > 0
                ? Math.max(MIN_SPREAD, Math.sqrt(Math.max(0, sumSq[k] / n[k] - centre * centre)))
                : s[k];
        moved = Math.max(moved, Math.abs(weight - w[k]) + Math.abs(centre - c[k]));
        w[k] = weight;
        c[k] = centre;
        s[k] = spread;
      }
      if (moved < 1e-9) {
        break;
      }
    }
    return new ErrorModel(w, c, s);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < weights.length; k++) {
      b.append(k == 0 ? "" : " + ")
          .append(
              String.format(Locale.ROOT, "%.3f N(%.2f, %.2f)", weights[k], centres[k], spreads[k]));
    }
    return b.toString();
  }
}
