package dev.naturalness.stats;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Each teacher's chance of ranking first: the share of bootstrap resamples of prompts in which its
 * mean score is the highest. Prompts are resampled jointly for all teachers (a prompt's responses
 * move together), by the Poisson bootstrap: in resample b, prompt p counts w(p, b) times, w drawn
 * from Poisson(1) by a generator seeded from the prompt alone, so that every teacher sees the same
 * resamples without the teachers ever being in one place. Resample b's mean for a teacher is the
 * sum over its prompts of w(p, b) times its scores on p, over w(p, b) times its count on p.
 *
 * <p>Memory does not grow with teachers times resamples: each teacher's resample means are computed
 * from its own prompts ({@link #resampleMeans}) and offered to a {@link Leaders}, which keeps per
 * resample only the best mean so far and whose it is; leaders of different partitions merge.
 */
public final class TopProbability {
  private TopProbability() {}

  /** One teacher's scores on one prompt: their sum and how many. */
  public record PromptSum(String promptId, double sum, long count) implements Serializable {}

  /**
   * A teacher's mean in each resample (NaN in a resample that drew none of its prompts), given its
   * per-prompt sums; {@code seed} is the metric's.
   */
  public static double[] resampleMeans(List<PromptSum> prompts, int samples, long seed) {
    double[] sums = new double[samples];
    double[] counts = new double[samples];
    for (PromptSum p : prompts) {
      if (p.count() == 0) {
        continue;
      }
      SplittableRandom random =
          new SplittableRandom(TeacherStatistics.seedFor(seed, p.promptId(), "top1"));
      for (int b = 0; b < samples; b++) {
        int w = poisson(random);
        if (w != 0) {
          sums[b] += w * p.sum();
          counts[b] += w * p.count();
        }
      }
    }
    double[] means = new double[samples];
    for (int b = 0; b < samples; b++) {
      means[b] = counts[b] > 0 ? sums[b] / counts[b] : Double.NaN;
    }
    return means;
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

  /**
   * Per resample, the highest mean offered so far and the teacher it is of; ties go to the teacher
   * whose name sorts first (the order ranks use).
   */
  public static final class Leaders implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double[] best;
    private final String[] who;

    public Leaders(int samples) {
      best = new double[samples];
      who = new String[samples];
      Arrays.fill(best, Double.NEGATIVE_INFINITY);
    }

    public void offer(String teacher, double[] means) {
      for (int b = 0; b < best.length; b++) {
        take(b, teacher, means[b]);
      }
    }

    private void take(int b, String teacher, double mean) {
      if (Double.isNaN(mean) || teacher == null) {
        return;
      }
      if (who[b] == null || mean > best[b] || (mean == best[b] && teacher.compareTo(who[b]) < 0)) {
        best[b] = mean;
        who[b] = teacher;
      }
    }

    public Leaders merge(Leaders other) {
      for (int b = 0; b < best.length; b++) {
        take(b, other.who[b], other.best[b]);
      }
      return this;
    }

    /**
     * Per teacher of {@code teachers}, the share of resamples it leads; a resample where no teacher
     * has a score counts for nobody. Null with no resamples.
     */
    public Map<String, Double> shares(List<String> teachers) {
      if (best.length == 0) {
        return null;
      }
      Map<String, Integer> led = new LinkedHashMap<>();
      teachers.forEach(t -> led.put(t, 0));
      for (String leader : who) {
        if (leader != null) {
          led.merge(leader, 1, Integer::sum);
        }
      }
      Map<String, Double> out = new LinkedHashMap<>();
      led.forEach((t, n) -> out.put(t, (double) n / best.length));
      return out;
    }
  }
}
