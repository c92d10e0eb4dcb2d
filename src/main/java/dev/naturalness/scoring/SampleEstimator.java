package dev.naturalness.scoring;

import java.util.Locale;

/**
 * How a sample of a response's steps estimates its mean (scoring.sample-estimator): the plain mean
 * of the sampled steps, or the difference estimator, which adds the sampled steps' mean difference
 * from the GALP pass's step means to the mean of those means (StratifiedEstimate).
 */
public enum SampleEstimator {
  PLAIN,
  DIFFERENCE;

  /** Its name in the config, summary.json and a score's definition. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The estimator a run's summary.json names (a previous run is read as it was made). */
  public static SampleEstimator of(String key) {
    return valueOf(key.trim().toUpperCase(Locale.ROOT));
  }
}
