package dev.naturalness.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A score row from its parts: which part gives which figure, and when a row has no score. */
class ScoreRecordTest {
  static final CorpusRow ROW =
      new CorpusRow(
          "p1",
          "prompt",
          "t1",
          "héllo wörld",
          "r1",
          true,
          StepInput.NONE,
          null,
          Duplicate.NONE,
          "sha",
          null,
          List.of(RowFlag.CUT_OFF));

  static ScorePart part(String name, RowStatus status, Double value, long tokens) {
    return new ScorePart.Builder()
        .part(name)
        .status(status)
        .error(status == RowStatus.MODEL_ERROR ? "model failed: boom" : null)
        .value(value)
        .dropFirst(value == null ? null : value - 0.5)
        .standardError(value == null ? null : 0.1)
        .stepsScored(2)
        .nTokens(9)
        .nSteps(3)
        .truncated(name.equals("steps=1"))
        .stepScores(new float[] {-1f, -2f})
        .stepSpans(new int[] {0, 5, 5, 11})
        .repeatedSteps(1)
        .noRepeats(value)
        .modelTokens(tokens)
        .build();
  }

  static ScoreRecord fromParts(Map<String, ScorePart> parts, List<String> windows) {
    return ScoreRecord.fromParts(ROW, "s", "hash", windows, true, parts, false, "nothing fits");
  }

  @Test
  void theRankingWindowGivesLalpAndItsStepsGalpItsOwnPartAndEveryWindowItsValue() {
    Map<String, ScorePart> parts = new LinkedHashMap<>();
    parts.put("galp", part("galp", RowStatus.OK, -2.0, 10));
    parts.put("fraction=0.25", part("fraction=0.25", RowStatus.OK, -1.5, 20));
    parts.put("steps=1", part("steps=1", RowStatus.OK, -1.25, 30));
    ScoreRecord r = fromParts(parts, List.of("fraction=0.25", "steps=1"));
    assertEquals(RowStatus.OK, r.status());
    assertEquals(-1.5, r.value(Metric.LALP));
    assertEquals(-2.0, r.value(Metric.GALP));
    assertEquals(Map.of("fraction=0.25", -1.5, "steps=1", -1.25), r.lalpByWindow());
    assertEquals(-2.0, r.lalpDropFirst());
    assertEquals(0.1, r.lalpSe());
    assertArrayEquals(new float[] {-1f, -2f}, r.stepScores());
    assertEquals(60, r.modelTokens(), "every part's tokens");
    assertTrue(r.truncated(), "any part's cut");
    assertEquals(11, r.responseChars(), "code points of the response");
    assertEquals(Boolean.TRUE, r.correct());
    assertEquals("sha", r.textSha());
  }

  @Test
  void aPartTheModelFailedOnMakesTheRowAModelErrorWithoutScores() {
    Map<String, ScorePart> parts = new LinkedHashMap<>();
    parts.put("galp", part("galp", RowStatus.OK, -2.0, 10));
    parts.put("fraction=0.25", part("fraction=0.25", RowStatus.MODEL_ERROR, null, 20));
    ScoreRecord r = fromParts(parts, List.of("fraction=0.25"));
    assertEquals(RowStatus.MODEL_ERROR, r.status());
    assertEquals("model failed: boom", r.error());
    assertNull(r.value(Metric.GALP));
    assertNull(r.value(Metric.LALP));
    assertEquals(30, r.modelTokens());
  }

  @Test
  void aRowWhoseEveryPartHasNoValueIsUnscorableWithTheGivenReason() {
    Map<String, ScorePart> parts = new LinkedHashMap<>();
    parts.put("galp", part("galp", RowStatus.UNSCORABLE, null, 0));
    parts.put("fraction=0.25", part("fraction=0.25", RowStatus.UNSCORABLE, null, 0));
    ScoreRecord r = fromParts(parts, List.of("fraction=0.25"));
    assertEquals(RowStatus.UNSCORABLE, r.status());
    assertEquals("nothing fits", r.error());
    assertEquals(9, r.nTokens());
  }

  @Test
  void aProblemRowKeepsItsIdentityAndStatusAndABuilderCopyChangesOnlyWhatItSets() {
    ScoreRecord r =
        ScoreRecord.problem(
            ROW, "s", "hash", new RowProblem(RowStatus.EMPTY_RESPONSE, "response is\nempty"));
    assertEquals("r1", r.responseId());
    assertEquals(RowStatus.EMPTY_RESPONSE, r.status());
    assertEquals("response is empty", r.error(), "one line");
    assertNull(r.value(Metric.LALP));
    ScoreRecord copy = r.toBuilder().reused(true).build();
    assertTrue(copy.reused());
    assertEquals(r, copy.toBuilder().reused(false).build());
  }
}
