package dev.naturalness.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.text.PreparedResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Length limits, checked with a model whose log-prob for a token is minus its id whatever the
 * context, so that "scored on what fits" can be read off the ids.
 */
class TruncationTest {
  /** log p(next) = -next id. */
  static final TokenLogProbModel MINUS_ID =
      batch -> {
        long[] next = batch.nextIds();
        float[] out = new float[next.length];
        for (int i = 0; i < next.length; i++) {
          out[i] = -next[i];
        }
        return out;
      };

  /** Prefix [100, 101, 102]; steps of the given lengths, token ids 1, 2, 3, ... */
  static PreparedResponse response(int... stepLengths) {
    int total = 0;
    int[] bounds = new int[stepLengths.length + 1];
    for (int i = 0; i < stepLengths.length; i++) {
      total += stepLengths[i];
      bounds[i + 1] = total;
    }
    long[] ids = new long[total];
    for (int t = 0; t < total; t++) {
      ids[t] = t + 1;
    }
    return new PreparedResponse(new long[] {100, 101, 102}, ids, bounds, 100);
  }

  static ResponseScore score(ScoreDefinition options, PreparedResponse r) {
    return new ResponseScorer(options, Execution.defaults(), MINUS_ID).score(List.of(r)).get(0);
  }

  @Test
  void aResponseThatFitsIsNotFlagged() {
    ResponseScore s =
        score(
            ScoreDefinition.defaults(64).withWindow(new WindowRule.Steps(1), true), response(2, 2));
    assertFalse(s.truncated());
    assertEquals(-2.5, s.galp(), 1e-9); // tokens 1..4
    assertArrayEquals(new float[] {-1.5f, -3.5f}, s.stepScores());
  }

  @Test
  void galpScoresTheResponseTokensThatFitAfterTheWholePrefix() {
    ResponseScore s =
        score(
            ScoreDefinition.defaults(7).withWindow(new WindowRule.Steps(0), true), response(3, 3));
    assertTrue(s.truncated());
    assertEquals(-2.5, s.galp(), 1e-9); // 3 prefix tokens + tokens 1..4 fit
    assertEquals(6, s.nTokens());
  }

  @Test
  void galpIsNullWhenThePromptAloneFillsTheModel() {
    ResponseScore s =
        score(ScoreDefinition.defaults(3).withWindow(new WindowRule.Steps(0), true), response(2));
    assertTrue(s.truncated());
    assertNull(s.galp());
    assertEquals(
        -1.5, s.lalp(), 1e-9); // the window cuts the prefix from the left and scores the step
  }

  @Test
  void aWindowDropsItsOldestStepsFirst() {
    // max 8: step 3 (ids 5,6) with window 2 would need 3 + 2 + 2 + 2 = 9 tokens: step 1 goes.
    ScoreDefinition options = ScoreDefinition.defaults(8).withWindow(new WindowRule.Steps(2), true);
    ResponseScore s = score(options, response(2, 2, 2));
    assertTrue(s.truncated());
    assertArrayEquals(
        new float[] {-1.5f, -3.5f, -5.5f}, s.stepScores()); // context-free model: same scores
  }

  @Test
  void aStepLongerThanTheModelIsCutAtItsEndAndScoredOnWhatFits() {
    ScoreDefinition options = ScoreDefinition.defaults(4).withWindow(new WindowRule.Steps(1), true);
    ResponseScore s = score(options, response(6));
    assertTrue(s.truncated());
    // No prefix is left; the first token has no context, tokens 2..4 are scored.
    assertArrayEquals(new float[] {-3f}, s.stepScores());
  }

  @Test
  void aFailingModelFailsOnlyTheResponsesOfTheSequencesItFailsOn() {
    TokenLogProbModel failsOnId7 =
        batch -> {
          for (long id : batch.ids()) {
            if (id == 7) {
              throw new IllegalStateException("boom");
            }
          }
          return MINUS_ID.nextTokenLogProbs(batch);
        };
    ScoreDefinition options = ScoreDefinition.defaults(64);
    List<ResponseScore> scores =
        new ResponseScorer(options, Execution.defaults(), failsOnId7)
            .score(List.of(response(2, 2), response(4, 4), response(3)));
    assertTrue(scores.get(0).ok());
    assertFalse(scores.get(1).ok());
    assertTrue(scores.get(1).error().contains("boom"), scores.get(1).error());
    assertTrue(scores.get(2).ok());
    assertEquals(-2.0, scores.get(2).galp(), 1e-9);
  }
}
