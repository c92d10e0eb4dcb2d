package dev.naturalness.data;

import java.util.Locale;

/** The scores a run can compute ({@code scoring.metrics}). */
public enum Metric {
  /**
   * Local naturalness: each step given the prompt and a window of preceding steps, steps averaged.
   */
  LALP,
  /** Global naturalness: the mean log-prob of the whole response after the prompt. */
  GALP;

  /** The name in config and output columns: {@code lalp}, {@code galp}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Metric of(String key) {
    for (Metric m : values()) {
      if (m.key().equals(key.trim().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown metric '" + key + "'; expected lalp and/or galp");
  }
}
