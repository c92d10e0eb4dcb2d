package dev.naturalness.data;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of scores/: a response scored by one student. LALP figures are under the ranking window
 * (the first); {@code lalpByWindow} holds every window's. Scores are null unless status is ok.
 *
 * @param responseChars the response's length in code points
 * @param stepSpans each scored step's [start, end) in code points, interleaved (with step_scores)
 * @param modelTokens tokens the model ran for the row in this run (0 when reused)
 * @param correct the row's label (kept for selection, not written)
 * @param textSha what the row's scores depend on in its text (kept for the cache, not written)
 * @param reused whether the scores came from the incremental cache
 */
public record ScoreRecord(
    String responseId,
    String promptId,
    String teacher,
    String student,
    Double lalp,
    Double galp,
    Map<String, Double> lalpByWindow,
    Double lalpDropFirst,
    Double lalpSe,
    int stepsScored,
    int nTokens,
    int nSteps,
    int responseChars,
    boolean truncated,
    RowStatus status,
    String error,
    float[] stepScores,
    int[] stepSpans,
    int repeatedSteps,
    Double lalpNoRepeats,
    String configHash,
    long modelTokens,
    Boolean correct,
    String textSha,
    boolean reused)
    implements Serializable {

  /** A row that was not scored, and why. */
  public static ScoreRecord problem(
      CorpusRow row, String student, String configHash, RowProblem problem) {
    return unscored(row, student, configHash, null, false, problem, 0L, false);
  }

  /** A row without scores: its status and reason, and its counts from {@code part} if any. */
  private static ScoreRecord unscored(
      CorpusRow row,
      String student,
      String configHash,
      ScorePart part,
      boolean truncated,
      RowProblem problem,
      long modelTokens,
      boolean reused) {
    return new ScoreRecord(
        row.responseId(),
        row.promptId(),
        row.teacher(),
        student,
        null,
        null,
        null,
        null,
        null,
        0,
        part == null ? 0 : part.nTokens(),
        part == null ? 0 : part.nSteps(),
        chars(row),
        truncated,
        problem.status(),
        problem.reason(),
        null,
        null,
        0,
        null,
        configHash,
        modelTokens,
        row.correct(),
        row.textSha(),
        reused);
  }

  private static int chars(CorpusRow row) {
    return row.response() == null ? 0 : row.response().codePointCount(0, row.response().length());
  }

  /**
   * The record of a row from its parts (scored now, stored, or both): {@code galp} from the GALP
   * part, the ranking LALP and its steps from {@code windows.get(0)}'s part, every window's LALP
   * into lalpByWindow. The row is model_error when a part is; unscorable when no part has a value.
   */
  public static ScoreRecord fromParts(
      CorpusRow row,
      String student,
      String configHash,
      List<String> windows,
      boolean wantsGalp,
      Map<String, ScorePart> parts,
      boolean reused,
      String unscorableReason) {
    ScorePart galpPart = wantsGalp ? parts.get(ScorePart.GALP) : null;
    ScorePart first = windows.isEmpty() ? null : parts.get(windows.get(0));
    ScorePart any = first != null ? first : galpPart;
    boolean truncated = parts.values().stream().anyMatch(ScorePart::truncated);
    long modelTokens = parts.values().stream().mapToLong(ScorePart::modelTokens).sum();
    ScorePart failed =
        parts.values().stream()
            .filter(p -> p.status() == RowStatus.MODEL_ERROR)
            .findFirst()
            .orElse(null);
    if (failed != null) {
      RowProblem problem = new RowProblem(RowStatus.MODEL_ERROR, failed.error());
      return unscored(row, student, configHash, failed, truncated, problem, modelTokens, reused);
    }
    Map<String, Double> byWindow = new LinkedHashMap<>();
    boolean anyValue = galpPart != null && galpPart.value() != null;
    for (String w : windows) {
      Double v = parts.get(w).value();
      byWindow.put(w, v);
      anyValue |= v != null;
    }
    if (!anyValue) {
      RowProblem none = new RowProblem(RowStatus.UNSCORABLE, unscorableReason);
      return unscored(row, student, configHash, any, truncated, none, modelTokens, reused);
    }
    return scored(
        row,
        student,
        configHash,
        first,
        galpPart == null ? null : galpPart.value(),
        windows.isEmpty() ? null : byWindow,
        any,
        truncated,
        modelTokens,
        reused);
  }

  /** A scored row: the ranking window's figures from {@code first}, counts from {@code any}. */
  private static ScoreRecord scored(
      CorpusRow row,
      String student,
      String configHash,
      ScorePart first,
      Double galp,
      Map<String, Double> byWindow,
      ScorePart any,
      boolean truncated,
      long modelTokens,
      boolean reused) {
    return new ScoreRecord(
        row.responseId(),
        row.promptId(),
        row.teacher(),
        student,
        first == null ? null : first.value(),
        galp,
        byWindow,
        first == null ? null : first.dropFirst(),
        first == null ? null : first.standardError(),
        first == null ? 0 : first.stepsScored(),
        any.nTokens(),
        any.nSteps(),
        chars(row),
        truncated,
        RowStatus.OK,
        null,
        first == null ? null : first.stepScores(),
        first == null ? null : first.stepSpans(),
        first == null ? 0 : first.repeatedSteps(),
        first == null ? null : first.noRepeats(),
        configHash,
        modelTokens,
        row.correct(),
        row.textSha(),
        reused);
  }
}
