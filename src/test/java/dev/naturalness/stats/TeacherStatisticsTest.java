package dev.naturalness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TeacherStatisticsTest {

  @Test
  void percentileInterpolatesLinearlyBetweenRanks() {
    double[] v = {1, 2, 3, 4};
    assertEquals(2.5, TeacherStatistics.percentile(v, 0.5), 1e-12);
    assertEquals(1.075, TeacherStatistics.percentile(v, 0.025), 1e-12);
    assertEquals(4, TeacherStatistics.percentile(v, 1.0), 1e-12);
  }

  @Test
  void meanAndMedianAreOverResponsesAndTheIntervalResamplesPrompts() {
    List<TeacherStatistics.Scored> s = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      s.add(new TeacherStatistics.Scored("p" + i, -i / 10.0));
    }
    TeacherStatistics.Summary a = TeacherStatistics.summarize(s, 500, 42);
    assertEquals(50, a.prompts());
    assertEquals(-2.45, a.mean(), 1e-12);
    assertEquals(-2.45, a.median(), 1e-12);
    assertTrue(a.ciLow() < a.mean() && a.mean() < a.ciHigh());
    // The standard error of the mean is about 0.2; a 95% interval is about 0.8 wide.
    assertTrue(
        a.ciHigh() - a.ciLow() > 0.5 && a.ciHigh() - a.ciLow() < 1.2,
        a.ciLow() + " .. " + a.ciHigh());
    assertEquals(a, TeacherStatistics.summarize(s, 500, 42), "same seed, same interval");
  }

  @Test
  void onePromptGivesAnIntervalOfZeroWidth() {
    TeacherStatistics.Summary a =
        TeacherStatistics.summarize(
            List.of(new TeacherStatistics.Scored("p", -1), new TeacherStatistics.Scored("p", -3)),
            100,
            1);
    assertEquals(-2, a.ciLow(), 1e-12);
    assertEquals(-2, a.ciHigh(), 1e-12);
    assertEquals(1, a.prompts());
  }
}
