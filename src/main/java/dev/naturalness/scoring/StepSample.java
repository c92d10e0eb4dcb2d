package dev.naturalness.scoring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which steps of a long response are scored when {@code scoring.sample-steps = m}: m of its P
 * steps, drawn uniformly without replacement by a generator seeded from the response_id, so a
 * rerun, another executor or another JVM draws the same steps.
 */
public final class StepSample {
  private StepSample() {}

  /** The step indices to score, ascending: all P when P <= m (or m is 0), else m of them. */
  public static int[] choose(String responseId, int steps, int m) {
    int[] all = new int[steps];
    for (int i = 0; i < steps; i++) {
      all[i] = i;
    }
    if (m <= 0 || steps <= m) {
      return all;
    }
    SplittableRandom random = new SplittableRandom(seed(responseId));
    // A partial Fisher-Yates shuffle: the first m places hold a uniform sample.
    for (int i = 0; i < m; i++) {
      int j = i + random.nextInt(steps - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    int[] chosen = Arrays.copyOf(all, m);
    Arrays.sort(chosen);
    return chosen;
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
