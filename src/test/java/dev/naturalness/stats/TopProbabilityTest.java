package dev.naturalness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Leaders of resamples: teachers offered in any order and leaders merged in any grouping give the
 * same shares; ties go to the name that sorts first; resample means are the joint Poisson
 * bootstrap.
 */
class TopProbabilityTest {
  static List<TopProbability.PromptSum> prompts(double offset, long seed) {
    Random r = new Random(seed);
    List<TopProbability.PromptSum> out = new ArrayList<>();
    for (int p = 0; p < 60; p++) {
      out.add(new TopProbability.PromptSum("p" + p, offset + 0.5 * r.nextGaussian(), 1));
    }
    return out;
  }

  @Test
  void sharesDoNotDependOnTheOrderTeachersArriveInOrHowLeadersAreGrouped() {
    int samples = 500;
    Map<String, double[]> means =
        Map.of(
            "a", TopProbability.resampleMeans(prompts(-1.0, 1), samples, 7),
            "b", TopProbability.resampleMeans(prompts(-1.2, 2), samples, 7),
            "c", TopProbability.resampleMeans(prompts(-3.0, 3), samples, 7));
    TopProbability.Leaders all = new TopProbability.Leaders(samples);
    for (String t : List.of("c", "a", "b")) {
      all.offer(t, means.get(t));
    }
    TopProbability.Leaders left = new TopProbability.Leaders(samples);
    left.offer("b", means.get("b"));
    TopProbability.Leaders right = new TopProbability.Leaders(samples);
    right.offer("a", means.get("a"));
    right.offer("c", means.get("c"));
    List<String> names = List.of("a", "b", "c");
    Map<String, Double> shares = all.shares(names);
    assertEquals(shares, right.merge(left).shares(names));
    assertEquals(1.0, shares.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
    assertTrue(shares.get("a") > shares.get("b") && shares.get("c") == 0.0, shares.toString());
  }

  @Test
  void aTieGoesToTheNameThatSortsFirstAndAResampleWithoutScoresCountsForNobody() {
    TopProbability.Leaders l = new TopProbability.Leaders(2);
    l.offer("zed", new double[] {-1.0, Double.NaN});
    l.offer("amy", new double[] {-1.0, Double.NaN});
    Map<String, Double> shares = l.shares(List.of("amy", "zed"));
    assertEquals(0.5, shares.get("amy"));
    assertEquals(0.0, shares.get("zed"));
  }

  @Test
  void aResampleMeanWeighsEachPromptByItsPoissonDrawTheSameForEveryTeacher() {
    // One prompt: every resample that draws it has the prompt's mean; the others have none.
    double[] one =
        TopProbability.resampleMeans(List.of(new TopProbability.PromptSum("p0", -6.0, 3)), 200, 5);
    int drawn = 0;
    for (double m : one) {
      if (!Double.isNaN(m)) {
        assertEquals(-2.0, m, 1e-12);
        drawn++;
      }
    }
    // P(Poisson(1) > 0) = 1 - 1/e: about 126 of 200.
    assertTrue(drawn > 100 && drawn < 150, "drawn in " + drawn + " of 200");
    double[] again =
        TopProbability.resampleMeans(List.of(new TopProbability.PromptSum("p0", -9.0, 3)), 200, 5);
    for (int b = 0; b < one.length; b++) {
      assertEquals(Double.isNaN(one[b]), Double.isNaN(again[b]), "the same draws for " + b);
    }
  }
}
