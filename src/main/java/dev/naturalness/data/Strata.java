package dev.naturalness.data;

import java.io.Serializable;

/**
 * With sampled steps, how one window's LALP of a response was estimated: its steps in two strata,
 * those the GALP pass reached (covered: estimated by the difference from their GALP-context means)
 * and the rest (uncovered: estimated by their plain mean), and per stratum its steps, the steps
 * sampled from it and the sum of squared deviations of the sampled values from their mean (of L - G
 * covered, of L uncovered). The standard error follows from these and a variance prior ({@code
 * scoring.StratifiedEstimate}); a stratum scored whole adds nothing to it.
 */
public record Strata(
    int coveredSteps,
    int coveredSampled,
    double coveredSquares,
    int uncoveredSteps,
    int uncoveredSampled,
    double uncoveredSquares)
    implements Serializable {

  public int steps() {
    return coveredSteps + uncoveredSteps;
  }

  public int sampled() {
    return coveredSampled + uncoveredSampled;
  }
}
