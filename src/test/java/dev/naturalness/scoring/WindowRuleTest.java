package dev.naturalness.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WindowRuleTest {

  @Test
  void fractionIsComputedInDecimalSoFivePercentOfTwentyIsOne() {
    assertEquals(1, WindowRule.Fraction.of("0.05").window(21));
    assertEquals(2, WindowRule.Fraction.of("0.05").window(22));
  }

  @ParameterizedTest(name = "{0} at step {1} -> {2}")
  @CsvSource({
    "steps:4,1,0",
    "steps:4,3,2",
    "steps:4,9,4",
    "steps:0,9,0",
    "fraction:0.25,1,0",
    "fraction:0.25,2,1",
    "fraction:0.25,5,1",
    "fraction:0.25,6,2",
    "fraction:1.0,7,6",
    "fraction:0,7,0"
  })
  void windowFollowsTheDefinition(String rule, int step, int expected) {
    String[] parts = rule.split(":");
    WindowRule r =
        parts[0].equals("steps")
            ? new WindowRule.Steps(Integer.parseInt(parts[1]))
            : WindowRule.Fraction.of(parts[1]);
    assertEquals(expected, r.window(step));
  }
}
