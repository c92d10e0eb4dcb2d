package dev.naturalness.data;

import java.io.Serializable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of scores/: a response scored by one student. LALP figures are under the ranking window
 * (the first); {@code lalpByWindow} holds every window's. Scores are null unless status is ok.
 *
 * @param scores each metric's value (null when not computed or not scored)
 * @param lalpSe with sampled steps, the standard error of lalp (the job pools the strata's draws
 *     with a prior before it publishes)
 * @param lalpStrata with sampled steps, when not every step was scored: the strata of lalp
 * @param responseChars the response's length in code points
 * @param stepSpans each scored step's [start, end) in code points, interleaved (with step_scores)
 * @param modelTokens tokens the model ran for the row in this run (0 when reused)
 * @param correct the row's label (kept for selection, not written)
 * @param textSha what the row's scores depend on in its text (kept for the cache, not written)
 * @param reused whether the scores came from the incremental cache
 * @param flags the checks before selection the row fails
 */
public record ScoreRecord(
    String responseId,
    String promptId,
    String teacher,
    String student,
    Map<Metric, Double> scores,
    Map<String, Double> lalpByWindow,
    Double lalpDropFirst,
    Double lalpSe,
    Strata lalpStrata,
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
    boolean reused,
    List<RowFlag> flags)
    implements Serializable {

  public ScoreRecord {
    EnumMap<Metric, Double> all = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      all.put(m, scores == null ? null : scores.get(m));
    }
    scores = Collections.unmodifiableMap(all);
    flags = flags == null ? List.of() : List.copyOf(flags);
  }

  /** The row's value of a metric, or null. */
  public Double value(Metric metric) {
    return scores.get(metric);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A record of a corpus row for one student, its identity and text counts filled in. */
  public static Builder of(CorpusRow row, String student, String configHash) {
    return new Builder()
        .responseId(row.responseId())
        .promptId(row.promptId())
        .teacher(row.teacher())
        .student(student)
        .responseChars(chars(row))
        .configHash(configHash)
        .correct(row.correct())
        .textSha(row.textSha())
        .flags(row.flags());
  }

  /** A row that was not scored, and why. */
  public static ScoreRecord problem(
      CorpusRow row, String student, String configHash, RowProblem problem) {
    return of(row, student, configHash).problem(problem).build();
  }

  private static int chars(CorpusRow row) {
    return row.response() == null ? 0 : row.response().codePointCount(0, row.response().length());
  }

  /**
   * The record of a row from its parts (scored now, stored, or both): GALP from the GALP part, the
   * ranking LALP and its steps from {@code windows.get(0)}'s part, every window's LALP into
   * lalpByWindow. The row is model_error when a part is; unscorable when no part has a value.
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
    Builder b =
        of(row, student, configHash)
            .reused(reused)
            .truncated(parts.values().stream().anyMatch(ScorePart::truncated))
            .modelTokens(parts.values().stream().mapToLong(ScorePart::modelTokens).sum());
    ScorePart failed =
        parts.values().stream()
            .filter(p -> p.status() == RowStatus.MODEL_ERROR)
            .findFirst()
            .orElse(null);
    if (failed != null) {
      return b.counts(failed)
          .problem(new RowProblem(RowStatus.MODEL_ERROR, failed.error()))
          .build();
    }
    Map<String, Double> byWindow = new LinkedHashMap<>();
    boolean anyValue = galpPart != null && galpPart.value() != null;
    for (String w : windows) {
      Double v = parts.get(w).value();
      byWindow.put(w, v);
      anyValue |= v != null;
    }
    if (!anyValue) {
      return b.counts(any).problem(new RowProblem(RowStatus.UNSCORABLE, unscorableReason)).build();
    }
    b.counts(any)
        .score(Metric.GALP, galpPart == null ? null : galpPart.value())
        .lalpByWindow(windows.isEmpty() ? null : byWindow);
    if (first != null) {
      b.score(Metric.LALP, first.value())
          .lalpDropFirst(first.dropFirst())
          .lalpSe(first.standardError())
          .lalpStrata(first.strata())
          .stepsScored(first.stepsScored())
          .stepScores(first.stepScores())
          .stepSpans(first.stepSpans())
          .repeatedSteps(first.repeatedSteps())
          .lalpNoRepeats(first.noRepeats());
    }
    return b.status(RowStatus.OK).build();
  }

  /** Builds a record one field at a time; unset fields are empty (status ok, scores null). */
  public static final class Builder {
    private String responseId;
    private String promptId;
    private String teacher;
    private String student;
    private final Map<Metric, Double> scores = new EnumMap<>(Metric.class);
    private Map<String, Double> lalpByWindow;
    private Double lalpDropFirst;
    private Double lalpSe;
    private Strata lalpStrata;
    private int stepsScored;
    private int nTokens;
    private int nSteps;
    private int responseChars;
    private boolean truncated;
    private RowStatus status = RowStatus.OK;
    private String error;
    private float[] stepScores;
    private int[] stepSpans;
    private int repeatedSteps;
    private Double lalpNoRepeats;
    private String configHash;
    private long modelTokens;
    private Boolean correct;
    private String textSha;
    private boolean reused;
    private List<RowFlag> flags = List.of();

    public Builder() {}

    private Builder(ScoreRecord r) {
      responseId = r.responseId;
      promptId = r.promptId;
      teacher = r.teacher;
      student = r.student;
      scores.putAll(r.scores);
      lalpByWindow = r.lalpByWindow;
      lalpDropFirst = r.lalpDropFirst;
      lalpSe = r.lalpSe;
      lalpStrata = r.lalpStrata;
      stepsScored = r.stepsScored;
      nTokens = r.nTokens;
      nSteps = r.nSteps;
      responseChars = r.responseChars;
      truncated = r.truncated;
      status = r.status;
      error = r.error;
      stepScores = r.stepScores;
      stepSpans = r.stepSpans;
      repeatedSteps = r.repeatedSteps;
      lalpNoRepeats = r.lalpNoRepeats;
      configHash = r.configHash;
      modelTokens = r.modelTokens;
      correct = r.correct;
      textSha = r.textSha;
      reused = r.reused;
      flags = r.flags;
    }

    public Builder responseId(String v) {
      responseId = v;
      return this;
    }

    public Builder promptId(String v) {
      promptId = v;
      return this;
    }

    public Builder teacher(String v) {
      teacher = v;
      return this;
    }

    public Builder student(String v) {
      student = v;
      return this;
    }

    public Builder score(Metric m, Double v) {
      scores.put(m, v);
      return this;
    }

    public Builder lalpByWindow(Map<String, Double> v) {
      lalpByWindow = v;
      return this;
    }

    public Builder lalpDropFirst(Double v) {
      lalpDropFirst = v;
      return this;
    }

    public Builder lalpSe(Double v) {
      lalpSe = v;
      return this;
    }

    public Builder lalpStrata(Strata v) {
      lalpStrata = v;
      return this;
    }

    public Builder stepsScored(int v) {
      stepsScored = v;
      return this;
    }

    public Builder nTokens(int v) {
      nTokens = v;
      return this;
    }

    public Builder nSteps(int v) {
      nSteps = v;
      return this;
    }

    /** Tokens and steps from a part (none: zero). */
    Builder counts(ScorePart part) {
      nTokens = part == null ? 0 : part.nTokens();
      nSteps = part == null ? 0 : part.nSteps();
      return this;
    }

    public Builder responseChars(int v) {
      responseChars = v;
      return this;
    }

    public Builder truncated(boolean v) {
      truncated = v;
      return this;
    }

    public Builder status(RowStatus v) {
      status = v;
      return this;
    }

    public Builder error(String v) {
      error = v;
      return this;
    }

    /** The status and reason of a row without scores. */
    public Builder problem(RowProblem p) {
      status = p.status();
      error = p.reason();
      return this;
    }

    public Builder stepScores(float[] v) {
      stepScores = v;
      return this;
    }

    public Builder stepSpans(int[] v) {
      stepSpans = v;
      return this;
    }

    public Builder repeatedSteps(int v) {
      repeatedSteps = v;
      return this;
    }

    public Builder lalpNoRepeats(Double v) {
      lalpNoRepeats = v;
      return this;
    }

    public Builder configHash(String v) {
      configHash = v;
      return this;
    }

    public Builder modelTokens(long v) {
      modelTokens = v;
      return this;
    }

    public Builder correct(Boolean v) {
      correct = v;
      return this;
    }

    public Builder textSha(String v) {
      textSha = v;
      return this;
    }

    public Builder reused(boolean v) {
      reused = v;
      return this;
    }

    public Builder flags(List<RowFlag> v) {
      flags = v;
      return this;
    }

    public ScoreRecord build() {
      return new ScoreRecord(
          responseId,
          promptId,
          teacher,
          student,
          scores,
          lalpByWindow,
          lalpDropFirst,
          lalpSe,
          lalpStrata,
          stepsScored,
          nTokens,
          nSteps,
          responseChars,
          truncated,
          status,
          error,
          stepScores,
          stepSpans,
          repeatedSteps,
          lalpNoRepeats,
          configHash,
          modelTokens,
          correct,
          textSha,
          reused,
          flags);
    }
  }
}
