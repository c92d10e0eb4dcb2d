package dev.naturalness.stats;

import java.io.Serializable;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Each teacher's chance of ranking first: the share of bootstrap resamples of prompts in which its
 * mean score is the highest. Prompts are resampled jointly for all teachers (a prompt's responses
 * move together), by the Poisson bootstrap: in resample b, prompt p counts w(p, b) times, w drawn
 * from Poisson(1) by a generator seeded from the prompt, so that the result does not depend on how
 * prompts are spread over machines. Resample b's mean for teacher t is the sum over prompts of w(p,
 * b) times t's scores on p, over w(p, b) times t's count of scored responses on p.
 *
 * <p>An accumulator holds, per resample and teacher, the weighted sums and counts; accumulators of
 * different partitions merge by adding.
 */
public final class TopProbability implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int samples;
  private final int teachers;
  private final long seed;
  private final double[] sums;
  private final double[] counts;

  public TopProbability(int samples, int teachers, long seed) {
    this.samples = samples;
    this.teachers = teachers;
    this.seed = seed;
    this.sums = new double[samples * teachers];
    this.counts = new double[samples * teachers];
  }

  /**
   * Adds one prompt: per teacher index, the sum of its scores on the prompt and how many (0: none).
   */
  public void addPrompt(String promptId, double[] sum, int[] count) {
    SplittableRandom random =
        new SplittableRandom(TeacherStatistics.seedFor(seed, promptId, "top1"));
    for (int b = 0; b < samples; b++) {
      int w = poisson(random);
      if (w == 0) {
        continue;
      }
      for (int t = 0; t < teachers; t++) {
        if (count[t] > 0) {
          sums[b * teachers + t] += w * sum[t];
          counts[b * teachers + t] += w * count[t];
        }
      }
    }
  }

  /** Poisson(1) by inversion. */
  static int poisson(SplittableRandom random) {
    double u = random.nextDouble();
    double p = Math.exp(-1);
    double cumulative = p;
    int k = 0;
    while (u > cumulative && k < 30) {
      k++;
      p /= k;
      cumulative += p;
    }
    return k;
  }

  public TopProbability merge(TopProbability other) {
    for (int i = 0; i < sums.length; i++) {
      sums[i] += other.sums[i];
      counts[i] += other.counts[i];
    }
    return this;
  }

  /**
   * Per teacher, the share of resamples where its mean is the highest (ties to the teacher that
   * comes first in {@code names}, the order ranks use); resamples where no teacher has a score
   * count for nobody. Null with no resamples.
   */
  public double[] shares(List<String> names) {
    double[] wins = new double[teachers];
    if (samples == 0) {
      return null;
    }
    for (int b = 0; b < samples; b++) {
      int best = -1;
      double bestMean = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < teachers; t++) {
        double c = counts[b * teachers + t];
        if (c > 0) {
          double mean = sums[b * teachers + t] / c;
          if (best < 0
              || mean > bestMean
              || (mean == bestMean && names.get(t).compareTo(names.get(best)) < 0)) {
            best = t;
            bestMean = mean;
          }
        }
      }
      if (best >= 0) {
        wins[best]++;
      }
    }
    for (int t = 0; t < teachers; t++) {
      wins[t] /= samples;
    }
    return wins;
  }
}
