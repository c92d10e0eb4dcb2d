package dev.naturalness.config;

import java.util.Locale;

/** What the output's tables and exports are written as (output.format). */
public enum OutputFormat {
  PARQUET,
  JSON;

  /** Its name in the config and summary.json. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format a run's summary.json names (a previous run is read as it was written). */
  public static OutputFormat of(String key) {
    return valueOf(key.trim().toUpperCase(Locale.ROOT));
  }
}
