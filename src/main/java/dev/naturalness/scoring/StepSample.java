package dev.naturalness.scoring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which steps of a long response are scored when {@code scoring.sample-steps = m}: m of its P
 * steps, drawn uniformly without replacement by a generator seeded from the response_id, so a
 * rerun, another executor or another JVM draws the same steps. The steps fall in two strata, the
 * first {@code covered} (those the GALP pass reaches, estimated by the difference estimator) and
 * the rest, each drawn on its own ({@link #split}).
 */
public final class StepSample {
  private StepSample() {}

  /**
   * The steps drawn: ascending; those below {@code covered} are of the covered stratum.
   *
   * @param coveredSampled how many of them are covered
   */
  public record Draw(int[] steps, int coveredSampled) {}

  /** The step indices to score, ascending: all P when P <= m (or m is 0), else m of them. */
  public static int[] choose(String responseId, int steps, int m) {
    return stratified(responseId, steps, 0, m).steps();
  }

  /**
   * m of P steps drawn by stratum: the first {@code covered} steps and the rest, each stratum
   * sampled uniformly without replacement as {@link #split} allots; every step when P <= m.
   */
  public static Draw stratified(String responseId, int steps, int covered, int m) {
    if (m <= 0 || steps <= m) {
      int[] all = new int[steps];
      for (int i = 0; i < steps; i++) {
        all[i] = i;
      }
      return new Draw(all, covered);
    }
    Allotment allotted = split(steps, covered, m);
    SplittableRandom random = new SplittableRandom(seed(responseId));
    // Uncovered first, then covered: without a covered stratum the draw is the one a plain sample
    // of m of the P steps always made.
    int[] uncovered = draw(random, covered, steps, allotted.uncovered());
    int[] coveredDrawn = draw(random, 0, covered, allotted.covered());
    int[] chosen = new int[coveredDrawn.length + uncovered.length];
    System.arraycopy(coveredDrawn, 0, chosen, 0, coveredDrawn.length);
    System.arraycopy(uncovered, 0, chosen, coveredDrawn.length, uncovered.length);
    Arrays.sort(chosen);
    return new Draw(chosen, coveredDrawn.length);
  }

  /**
   * How m draws are split between a covered stratum of {@code covered} steps and an uncovered one
   * of P - covered: in proportion to their sizes (no step's variance is known before it is scored,
   * and proportional allocation is never worse than an unstratified sample), with at least 2 draws
   * in a stratum of more than 2 steps (so its variance can be estimated) and a stratum of at most 2
   * steps scored whole; what one stratum cannot take goes to the other. So m < 4 with two strata of
   * more than 2 steps draws 4.
   */
  public static Allotment split(int steps, int covered, int m) {
    int uncovered = steps - covered;
    if (steps <= m) {
      return new Allotment(covered, uncovered);
    }
    if (covered == 0 || uncovered == 0) {
      return covered == 0 ? new Allotment(0, m) : new Allotment(m, 0);
    }
    int c;
    int u;
    if (covered <= 2) {
      c = covered;
      u = Math.min(uncovered, Math.max(2, m - c));
    } else if (uncovered <= 2) {
      u = uncovered;
      c = Math.min(covered, Math.max(2, m - u));
    } else {
      c = Math.min(covered, Math.max(2, (int) Math.round((double) m * covered / steps)));
      u = Math.min(uncovered, Math.max(2, m - c));
      c = Math.min(covered, Math.max(c, m - u));
    }
    return new Allotment(c, u);
  }

  /** The draws each stratum gets. */
  public record Allotment(int covered, int uncovered) {}

  /** k of the steps [from, to), by a partial Fisher-Yates shuffle (its first k places). */
  private static int[] draw(SplittableRandom random, int from, int to, int k) {
    int n = to - from;
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = from + i;
    }
    for (int i = 0; i < Math.min(k, n); i++) {
      int j = i + random.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return Arrays.copyOf(all, Math.min(k, n));
  }

  /** The first 8 bytes of the sha256 of the id, big-endian. */
  static long seed(String responseId) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(responseId.getBytes(StandardCharsets.UTF_8));
      long s = 0;
      for (int i = 0; i < 8; i++) {
        s = (s << 8) | (d[i] & 0xff);
      }
      return s;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
