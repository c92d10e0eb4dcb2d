package dev.naturalness.stats;

/**
 * Which teachers a leaderboard from sampled scores can order: going down the ranking, a teacher
 * starts a new tier when its mean LALP lies below its neighbour's by more than {@link #Z} standard
 * errors of their difference (sqrt(se_a^2 + se_b^2), the errors sampling adds to each mean); else
 * it shares its neighbour's tier, and the two are not ordered by this run. Tiers chain: three
 * teachers each within error of the next share one tier even where the first and third are apart,
 * because the run cannot say where the middle one belongs.
 */
public final class SamplingTiers {
  /** A two-sided 95% interval on the difference of two means. */
  public static final double Z = 1.96;

  private SamplingTiers() {}

  /**
   * @param means the teachers' mean LALP, ranked (descending)
   * @param errors their sampling standard errors (null or 0: none, an exact mean)
   * @return each teacher's tier, 1 for the top one
   */
  public static int[] tiers(double[] means, Double[] errors) {
    int[] tier = new int[means.length];
    for (int i = 0; i < means.length; i++) {
      if (i == 0) {
        tier[i] = 1;
        continue;
      }
      double a = errors[i - 1] == null ? 0 : errors[i - 1];
      double b = errors[i] == null ? 0 : errors[i];
      double gap = means[i - 1] - means[i];
      tier[i] = gap > Z * Math.sqrt(a * a + b * b) ? tier[i - 1] + 1 : tier[i - 1];
    }
    return tier;
  }
}
