package dev.naturalness.stats;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The statistics of one teacher's scores on one metric: mean over responses, median, and a
 * bootstrap 95% interval that resamples prompts (a prompt's responses move together). Plain Java.
 */
public final class TeacherStatistics {
  private TeacherStatistics() {}

  /** One scored response. */
  public record Scored(String promptId, double value) implements Serializable {}

  /** The statistics; NaN where there is nothing to compute from. */
  public record Summary(
      int responses, int prompts, double mean, double median, double ciLow, double ciHigh)
      implements Serializable {}

  public static Summary summarize(List<Scored> scores, int bootstrapSamples, long seed) {
    if (scores.isEmpty()) {
      return new Summary(0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] values = new double[scores.size()];
    // per prompt, in prompt order so that the same seed gives the same interval
    TreeMap<String, double[]> byPrompt = new TreeMap<>();
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      Scored s = scores.get(i);
      values[i] = s.value();
      sum += s.value();
      double[] acc = byPrompt.computeIfAbsent(s.promptId(), k -> new double[2]);
      acc[0] += s.value();
      acc[1] += 1;
    }
    double mean = sum / values.length;
    Arrays.sort(values);
    double median = percentile(values, 0.5);
    double low = Double.NaN;
    double high = Double.NaN;
    if (bootstrapSamples > 0) {
      double[] means = promptBootstrap(new ArrayList<>(byPrompt.values()), bootstrapSamples, seed);
      low = percentile(means, 0.025);
      high = percentile(means, 0.975);
    }
    return new Summary(values.length, byPrompt.size(), mean, median, low, high);
  }

  /**
   * Means of {@code samples} resamples of whole prompts (each a sum and a count of its responses),
   * sorted.
   */
  private static double[] promptBootstrap(List<double[]> prompts, int samples, long seed) {
    int n = prompts.size();
    double[] means = new double[samples];
    SplittableRandom random = new SplittableRandom(seed);
    for (int b = 0; b < samples; b++) {
      double s = 0;
      double c = 0;
      for (int i = 0; i < n; i++) {
        double[] p = prompts.get(random.nextInt(n));
        s += p[0];
        c += p[1];
      }
      means[b] = s / c;
    }
    Arrays.sort(means);
    return means;
  }

  /** Linear interpolation between closest ranks (numpy's default) over sorted values. */
  public static double percentile(double[] sorted, double q) {
    double rank = q * (sorted.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = (int) Math.ceil(rank);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
  }

  /** A seed per teacher that does not depend on JVM hashing. */
  public static long seedFor(long seed, String teacher, String metric) {
    long h = 1125899906842597L;
    for (char ch : (teacher + "\u0000" + metric).toCharArray()) {
      h = 31 * h + ch;
    }
    return seed ^ h;
  }
}
