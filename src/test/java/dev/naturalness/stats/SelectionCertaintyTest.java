package dev.naturalness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** P(the pick is the best) from the candidates' estimates and standard errors, checked exactly. */
class SelectionCertaintyTest {
  @Test
  void exactScoresGiveCertainty() {
    double[] means = {-1.0, -2.0, -3.0};
    double[] exact = {0, 0, 0};
    assertEquals(1.0, SelectionCertainty.probabilityBest(means, exact, 0), 0);
    assertEquals(0.0, SelectionCertainty.probabilityBest(means, exact, 1), 0);
  }

  @Test
  void twoCandidatesGiveTheNormalProbabilityOfTheirDifference() {
    double[] means = {-1.0, -1.3};
    double[] errors = {0.2, 0.3};
    double z = 0.3 / Math.sqrt(0.2 * 0.2 + 0.3 * 0.3);
    assertEquals(
        SelectionCertainty.cdf(z), SelectionCertainty.probabilityBest(means, errors, 0), 1e-6);
  }

  @Test
  void itIsSymmetricAndSumsToOne() {
    double[] means = {-1.0, -1.1, -1.4, -0.9};
    double[] errors = {0.1, 0.2, 0.05, 0.3};
    double total = 0;
    for (int i = 0; i < means.length; i++) {
      total += SelectionCertainty.probabilityBest(means, errors, i);
    }
    assertEquals(1.0, total, 1e-5);
    double[] swappedMeans = {-1.1, -1.0, -1.4, -0.9};
    double[] swappedErrors = {0.2, 0.1, 0.05, 0.3};
    assertEquals(
        SelectionCertainty.probabilityBest(means, errors, 0),
        SelectionCertainty.probabilityBest(swappedMeans, swappedErrors, 1),
        1e-12);
  }

  @Test
  void tiedCandidatesShareTheCertainty() {
    assertEquals(
        0.5,
        SelectionCertainty.probabilityBest(new double[] {-1, -1}, new double[] {0.2, 0.2}, 0),
        1e-6);
    assertEquals(
        1.0 / 3,
        SelectionCertainty.probabilityBest(
            new double[] {-1, -1, -1}, new double[] {0.2, 0.2, 0.2}, 2),
        1e-5);
  }

  @Test
  void anExactRivalAboveTheEstimateBoundsIt() {
    // The pick's estimate is normal around -1 with se 0.5; the rival is exactly -1: P(x > -1) =
    // 0.5.
    assertEquals(
        0.5,
        SelectionCertainty.probabilityBest(new double[] {-1, -1}, new double[] {0.5, 0}, 0),
        1e-4);
  }
}
