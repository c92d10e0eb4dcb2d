package dev.naturalness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.naturalness.stats.LabelledSelection.Chooser;
import dev.naturalness.stats.LabelledSelection.Figures;
import dev.naturalness.stats.LabelledSelection.Share;
import dev.naturalness.stats.LabelledSelection.Sums;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelledSelectionTest {

  @Test
  void aRateIsTheMeanOverPromptsWithTheNormalIntervalOfItsSpread() {
    double[] picks = {1, 0, 1, 1};
    double[] random = {0.5, 0.5, 0.25, 1};
    Sums s = Sums.NONE;
    for (int i = 0; i < picks.length; i++) {
      s = s.add(picks[i], random[i]);
    }
    Figures f = LabelledSelection.figures(s);
    assertEquals(0.75, f.rate().value(), 1e-12);
    double sd = Math.sqrt((3 - 4 * 0.75 * 0.75) / 3); // sample sd of 1,0,1,1
    assertEquals(0.75 - 1.959963984540054 * sd / 2, f.rate().low(), 1e-12);
    assertEquals(1.0, f.rate().high(), 1e-12); // the normal interval is cut at 1
    // Paired differences 0.5, -0.5, 0.75, 0: mean 0.1875.
    assertEquals(0.1875, f.vsRandom().value(), 1e-12);
    double mean = 0.1875;
    double var =
        (Math.pow(0.5 - mean, 2)
                + Math.pow(-0.5 - mean, 2)
                + Math.pow(0.75 - mean, 2)
                + mean * mean)
            / 3;
    assertEquals(mean - 1.959963984540054 * Math.sqrt(var / 4), f.vsRandom().low(), 1e-12);
  }

  @Test
  void partsMergeToTheWhole() {
    Sums a = Sums.NONE.add(1, 0.5).add(0, 0.25);
    Sums b = Sums.NONE.add(1, 1);
    Sums whole = Sums.NONE.add(1, 0.5).add(0, 0.25).add(1, 1);
    assertEquals(whole, a.merge(b));
  }

  @Test
  void onePromptHasNoIntervalAndNoneHasNoFigures() {
    Figures f = LabelledSelection.figures(Sums.NONE.add(1, 0.5));
    assertEquals(1.0, f.rate().value());
    assertNull(f.rate().low());
    assertNull(LabelledSelection.figures(Sums.NONE));
    Map<Chooser, Sums> sums = new EnumMap<>(Chooser.class);
    sums.put(Chooser.GALP, Sums.NONE);
    sums.put(Chooser.LALP, Sums.NONE.add(0, 0));
    assertEquals(Set.of(Chooser.LALP), LabelledSelection.figures(sums).keySet());
  }

  @Test
  void thePoolCountsEveryCandidateAndItsIntervalTreatsPromptsAsClusters() {
    // Prompts with (correct, candidates): (2, 3), (1, 2), (0, 4).
    double[][] p = {{2, 3}, {1, 2}, {0, 4}};
    double c = 0;
    double n = 0;
    double cc = 0;
    double nn = 0;
    double cn = 0;
    for (double[] x : p) {
      c += x[0];
      n += x[1];
      cc += x[0] * x[0];
      nn += x[1] * x[1];
      cn += x[0] * x[1];
    }
    Share pool = LabelledSelection.pool(3, c, n, cc, nn, cn);
    double r = 3.0 / 9;
    assertEquals(r, pool.value(), 1e-12);
    double residual = 0;
    for (double[] x : p) {
      residual += Math.pow(x[0] - r * x[1], 2);
    }
    double se = Math.sqrt(residual / (3 * 2)) / 3;
    assertEquals(Math.max(0, r - 1.959963984540054 * se), pool.low(), 1e-12);
    assertEquals(r + 1.959963984540054 * se, pool.high(), 1e-12);
  }

  @Test
  void aTeachersProportionIsBinomial() {
    Share s = LabelledSelection.proportion(30, 40);
    assertEquals(0.75, s.value(), 1e-12);
    double half = 1.959963984540054 * Math.sqrt(0.75 * 0.25 * 40 / 39 / 40);
    assertEquals(0.75 - half, s.low(), 1e-12);
    assertNull(LabelledSelection.proportion(0, 0));
  }

  @Test
  void choosersHaveStableKeys() {
    assertEquals("best-possible", Chooser.BEST_POSSIBLE.key());
    assertEquals("lalp", Chooser.LALP.key());
  }
}
