package dev.naturalness.stats;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * How good a way of choosing one response per prompt is, measured against correctness labels: over
 * the prompts whose candidates are all labelled (at least two of them), the share of prompts whose
 * chosen response is correct, and how much that beats choosing at random (whose expectation on a
 * prompt is its share of correct candidates, computed exactly rather than drawn).
 *
 * <p>Each way of choosing gives every prompt a value x_p in [0, 1] (1 or 0 for a pick, the share
 * for random, 1 for the best possible when any candidate is correct); the figures come from sums
 * over prompts that merge across partitions, so the driver never holds a prompt:
 *
 * <pre>
 * rate = sum x_p / P,  95% interval rate +- 1.96 sd(x) / sqrt(P)
 * vs random: the same for d_p = x_p - r_p (paired: both choose on the same prompts)
 * pool (every candidate counted): R = sum c_p / sum n_p, its variance by the delta method over prompts
 *   sum (c_p - R n_p)^2 / (P (P - 1) nbar^2)
 * </pre>
 *
 * Normal intervals: the values are bounded and P is in the hundreds or more where the figure is
 * worth reading; with fewer than 2 prompts there is no interval.
 */
public final class LabelledSelection {
  /** The ways of choosing that the run compares, in the order they are shown. */
  public enum Chooser {
    /** The response with the best LALP (the job's selection before select.require). */
    LALP,
    /** The response with the best GALP. */
    GALP,
    /** One candidate drawn uniformly: its exact expectation. */
    RANDOM,
    /** The candidate with the fewest response tokens. */
    SHORTEST,
    /** The candidate with the most response tokens. */
    LONGEST,
    /** Any correct candidate when there is one: what no chooser can beat. */
    BEST_POSSIBLE;

    /** Its name in summary.json and the report. */
    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private static final double Z95 = 1.959963984540054;

  private LabelledSelection() {}

  /** Sums of a per-prompt value x and of its difference from random, over prompts. */
  public record Sums(
      long prompts, double sum, double sumSquares, double diffSum, double diffSquares) {
    public static final Sums NONE = new Sums(0, 0, 0, 0, 0);

    /** This prompt's value x and random's r added. */
    public Sums add(double x, double r) {
      double d = x - r;
      return new Sums(prompts + 1, sum + x, sumSquares + x * x, diffSum + d, diffSquares + d * d);
    }

    public Sums merge(Sums o) {
      return new Sums(
          prompts + o.prompts,
          sum + o.sum,
          sumSquares + o.sumSquares,
          diffSum + o.diffSum,
          diffSquares + o.diffSquares);
    }
  }

  /** A share with its 95% interval (null bounds: fewer than two prompts). */
  public record Share(double value, Double low, Double high) {}

  /** A chooser's figures: its correct rate, and its gain over random in the same prompts. */
  public record Figures(Share rate, Share vsRandom) {}

  public static Figures figures(Sums s) {
    if (s.prompts() == 0) {
      return null;
    }
    return new Figures(
        mean(s.sum(), s.sumSquares(), s.prompts(), 0),
        mean(s.diffSum(), s.diffSquares(), s.prompts(), -1));
  }

  /** All choosers' figures, in {@link Chooser} order. */
  public static Map<Chooser, Figures> figures(Map<Chooser, Sums> sums) {
    Map<Chooser, Figures> out = new EnumMap<>(Chooser.class);
    for (Chooser c : Chooser.values()) {
      Sums s = sums.get(c);
      if (s != null && s.prompts() > 0) {
        out.put(c, figures(s));
      }
    }
    return out;
  }

  /**
   * The pool's correct rate (every candidate of the prompts counted) from the sums over prompts of
   * c (correct candidates), n (candidates), c^2, n^2 and c*n.
   */
  public static Share pool(long prompts, double c, double n, double cc, double nn, double cn) {
    if (prompts == 0 || n == 0) {
      return null;
    }
    double r = c / n;
    if (prompts < 2) {
      return new Share(r, null, null);
    }
    double nbar = n / prompts;
    double residual = Math.max(0, cc - 2 * r * cn + r * r * nn);
    double se = Math.sqrt(residual / ((double) prompts * (prompts - 1))) / nbar;
    return new Share(r, Math.max(0, r - Z95 * se), Math.min(1, r + Z95 * se));
  }

  /** A teacher's own correct rate over its labelled responses (binomial, normal interval). */
  public static Share proportion(long correct, long total) {
    if (total == 0) {
      return null;
    }
    return mean(correct, correct, total, 0);
  }

  /** The mean of n values in [lowest, 1] from their sum and sum of squares, with its interval. */
  private static Share mean(double sum, double squares, long n, double lowest) {
    double m = sum / n;
    if (n < 2) {
      return new Share(m, null, null);
    }
    double variance = Math.max(0, (squares - n * m * m) / (n - 1));
    double half = Z95 * Math.sqrt(variance / n);
    return new Share(m, Math.max(lowest, m - half), Math.min(1, m + half));
  }
}
