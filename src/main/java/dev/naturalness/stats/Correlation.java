package dev.naturalness.stats;

import java.io.Serializable;

/**
 * Pearson's correlation of pairs added one at a time (sums only, so it merges across partitions).
 */
public final class Correlation implements Serializable {
  private static final long serialVersionUID = 1L;
  private long n;
  private double sx;
  private double sy;
  private double sxx;
  private double syy;
  private double sxy;

  public void add(double x, double y) {
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
  }

  /** The correlation, or null with fewer than three pairs or no spread in either variable. */
  public Double value() {
    if (n < 3) {
      return null;
    }
    double vx = sxx - sx * sx / n;
    double vy = syy - sy * sy / n;
    if (vx <= 1e-12 * Math.max(1, sxx) || vy <= 1e-12 * Math.max(1, syy)) {
      return null;
    }
    return (sxy - sx * sy / n) / Math.sqrt(vx * vy);
  }

  public long count() {
    return n;
  }
}
