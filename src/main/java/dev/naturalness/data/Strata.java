package dev.naturalness.data;

import java.io.Serializable;

/**
 * With sampled steps, how one window's LALP of a response was estimated: its steps in two strata,
 * those the GALP pass reached (covered: estimated by the difference L - G from their GALP-context
 * means) and the rest (uncovered: estimated by their plain mean L). The standard error follows from
 * these and a variance prior ({@code scoring.StratifiedEstimate}); a stratum scored whole adds
 * nothing to it.
 */
public record Strata(Stratum covered, Stratum uncovered) implements Serializable {

  public int steps() {
    return covered.steps() + uncovered.steps();
  }

  public int sampled() {
    return covered.sampled() + uncovered.sampled();
  }
}
