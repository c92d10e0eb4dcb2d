package dev.naturalness.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Teachers within sampling error of their neighbour share its tier. */
class SamplingTiersTest {
  @Test
  void neighboursWithinErrorShareATierAndTiersChain() {
    // gaps 0.10 (> 1.96 x 0.028), 0.03 (< 1.96 x 0.028), 0.03 again, 0.2
    double[] means = {-1.0, -1.1, -1.13, -1.16, -1.36};
    Double[] errors = {0.02, 0.02, 0.02, 0.02, 0.02};
    assertArrayEquals(new int[] {1, 2, 2, 2, 3}, SamplingTiers.tiers(means, errors));
  }

  @Test
  void exactMeansAreAlwaysOrderedAndTheThresholdIsTheDifferencesError() {
    assertArrayEquals(
        new int[] {1, 2, 3},
        SamplingTiers.tiers(new double[] {-1, -1.001, -1.002}, new Double[] {null, 0.0, null}));
    double e = 0.1;
    double edge = SamplingTiers.Z * Math.sqrt(2) * e;
    assertArrayEquals(
        new int[] {1, 1},
        SamplingTiers.tiers(new double[] {0, -edge * 0.999}, new Double[] {e, e}));
    assertArrayEquals(
        new int[] {1, 2},
        SamplingTiers.tiers(new double[] {0, -edge * 1.001}, new Double[] {e, e}));
  }
}
