package dev.naturalness.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.naturalness.model.Student;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Java scores equal the independent Python reference's, for every fixture and mode. */
class GoldenScoresTest {
  static final double TOLERANCE = 1e-4;
  private static final Map<String, Double> MAX_DIFF = new TreeMap<>();

  @Test
  void everyGoldenCaseMatchesTheReferenceWithinOneTenThousandth() throws IOException {
    Student student = GoldenCases.student();
    List<GoldenCases.Case> cases = GoldenCases.load();
    assertTrue(cases.size() > 300, "golden file holds " + cases.size() + " cases");
    List<String> failures = new ArrayList<>();
    for (GoldenCases.Case c : cases) {
      ResponseScorer scorer =
          new ResponseScorer(c.definition(), Execution.defaults(), student.model());
      ResponseScore actual = scorer.score(List.of(c.prepare(student))).get(0);
      try {
        check(c.expected(), actual);
      } catch (AssertionError e) {
        failures.add(c + ": " + e.getMessage());
      }
    }
    assertTrue(
        failures.isEmpty(), failures.size() + " cases differ:\n" + String.join("\n", failures));
  }

  static void check(JsonNode expected, ResponseScore actual) {
    assertEquals(expected.get("n_tokens").asInt(), actual.nTokens(), "n_tokens");
    assertEquals(expected.get("n_steps").asInt(), actual.nSteps(), "n_steps");
    assertEquals(expected.get("truncated").asBoolean(), actual.truncated(), "truncated");
    close("galp", expected.get("galp"), actual.galp());
    close("lalp", expected.get("lalp"), actual.lalp());
    close(
        "lalp_drop_first",
        expected.get("lalp_drop_first"),
        actual.windows().isEmpty() ? null : actual.windows().get(0).dropFirst());
    JsonNode steps = expected.get("step_scores");
    assertEquals(steps.size(), actual.stepScores().length, "number of step scores");
    for (int i = 0; i < steps.size(); i++) {
      close("step", steps.get(i), (double) actual.stepScores()[i]);
    }
  }

  private static void close(String metric, JsonNode expected, Double actual) {
    if (expected == null || expected.isNull()) {
      assertNull(actual, metric + " should be null");
      return;
    }
    assertTrue(actual != null, metric + " is null, expected " + expected.asDouble());
    double diff = Math.abs(expected.asDouble() - actual);
    synchronized (MAX_DIFF) {
      MAX_DIFF.merge(metric, diff, Math::max);
    }
    assertTrue(
        diff <= TOLERANCE,
        String.format(
            Locale.ROOT, "%s %.6f vs reference %.6f", metric, actual, expected.asDouble()));
  }

  @AfterAll
  static void report() {
    System.out.println("max |java - reference| per metric: " + MAX_DIFF);
  }
}
