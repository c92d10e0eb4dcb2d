package dev.naturalness.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.model.Student;
import dev.naturalness.text.PreparedResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The grouped plan and packed rows give what one window per forward pass gives, on the same inputs,
 * for every window mode.
 */
class PlanEquivalenceTest {

  static Stream<WindowRule> windows() {
    return Stream.of(
        new WindowRule.Steps(1),
        new WindowRule.Steps(4),
        WindowRule.Fraction.of("0.05"),
        WindowRule.Fraction.of("0.25"),
        WindowRule.Fraction.of("1.0"),
        new WindowRule.Steps(0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("windows")
  void groupedPackedPlanEqualsOneWindowPerPass(WindowRule window) throws IOException {
    Student student = GoldenCases.student();
    List<PreparedResponse> responses = new ArrayList<>();
    List<Integer> maxTokens = new ArrayList<>();
    for (GoldenCases.Case c : GoldenCases.load()) {
      if (c.segmenter().equals("paragraph")
          && c.includePrompt()
          && c.window().equals(WindowRule.Fraction.of("0.25"))) {
        responses.add(c.prepare(student));
        maxTokens.add(c.maxTokens());
      }
    }
    for (boolean includePrompt : new boolean[] {true, false}) {
      for (int max : new int[] {384, 48}) {
        ScoreDefinition definition =
            ScoreDefinition.defaults(max).withWindow(window, includePrompt);
        Execution fast = Execution.defaults().withBatch(4096, 512);
        Execution literal = fast.literal();
        ResponseScorer literalScorer = new ResponseScorer(definition, literal, student.model());
        long[] reported = new long[2];
        ResponseScorer fastScorer =
            new ResponseScorer(definition, fast, student.model())
                .afterEachBatch(
                    tokens -> {
                      reported[0]++;
                      reported[1] += tokens;
                    });
        List<ResponseScore> expected = literalScorer.score(responses);
        List<ResponseScore> actual = fastScorer.score(responses);
        for (int i = 0; i < responses.size(); i++) {
          assertSame(
              expected.get(i),
              actual.get(i),
              window + " prompt=" + includePrompt + " max=" + max + " #" + i);
        }
        assertEquals(fastScorer.forwardPasses(), reported[0], "progress is told after each batch");
        assertEquals(fastScorer.usefulTokens(), reported[1]);
        assertTrue(
            fastScorer.usefulTokens() <= literalScorer.usefulTokens(),
            "grouping never adds tokens");
        assertTrue(
            fastScorer.batchTokens() < literalScorer.batchTokens(),
            "grouping and packing run fewer positions");
        long sequenceTokens = 0;
        WindowPlanner planner = new WindowPlanner(definition, fast);
        for (PreparedResponse r : responses) {
          sequenceTokens += planner.plan(r, "").plannedTokens();
        }
        assertTrue(fastScorer.usefulTokens() <= sequenceTokens, "sharing never adds tokens");
        assertEquals(
            fastScorer.usefulTokens(),
            actual.stream().mapToLong(ResponseScore::modelTokens).sum(),
            "responses are charged the tokens the model ran, a shared prompt once");
        assertEquals(
            literalScorer.usefulTokens(),
            expected.stream().mapToLong(ResponseScore::modelTokens).sum());
        if (!includePrompt) {
          assertEquals(
              sequenceTokens,
              fastScorer.usefulTokens(),
              "without the prompt in windows nothing is shared");
        } else if (max == 384 && window.equals(new WindowRule.Steps(4))) {
          assertTrue(
              fastScorer.usefulTokens() < sequenceTokens,
              "short step windows that start with the prompt share it");
        }
      }
    }
  }

  static void assertSame(ResponseScore a, ResponseScore b, String what) {
    assertEquals(a.nSteps(), b.nSteps(), what + " steps");
    assertEquals(a.truncated(), b.truncated(), what + " truncated");
    assertNear(a.galp(), b.galp(), what + " galp");
    assertNear(a.lalp(), b.lalp(), what + " lalp");
    for (int s = 0; s < a.stepScores().length; s++) {
      assertNear((double) a.stepScores()[s], (double) b.stepScores()[s], what + " step " + s);
    }
  }

  static void assertNear(Double a, Double b, String what) {
    if (a == null || b == null) {
      assertEquals(a, b, what);
    } else {
      assertEquals(a, b, 1e-4, what);
    }
  }
}
