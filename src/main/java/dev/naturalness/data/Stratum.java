package dev.naturalness.data;

import java.io.Serializable;

/**
 * One stratum of a response's steps under sampling: its steps, how many of them were drawn, and the
 * sum of squared deviations of the drawn values from their mean.
 */
public record Stratum(int steps, int sampled, double squares) implements Serializable {
  public static final Stratum NONE = new Stratum(0, 0, 0);

  /** Whether its draws tell its variance: at least two of them, and not every step. */
  public boolean informative() {
    return sampled >= 2 && sampled < steps;
  }
}
