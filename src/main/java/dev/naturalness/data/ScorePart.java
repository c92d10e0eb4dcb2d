package dev.naturalness.data;

import java.io.Serializable;
import java.util.List;

/**
 * The scores of one response under one part of a definition: GALP (part {@code galp}), or one
 * window's LALP and what comes with it (part = the window's spec, e.g. {@code fraction=0.25}). The
 * incremental cache stores parts, so a run that adds a window or a student computes only what is
 * new.
 *
 * @param value GALP, or the window's LALP (null when nothing could be scored)
 * @param dropFirst the window's LALP without each step's first token (LALP parts only)
 * @param standardError with step sampling, the standard error of value from the response's own
 *     draws (LALP parts only); the job's published one pools its strata with a prior
 * @param strata with step sampling, when not every step was scored: the strata of the estimate
 * @param stepSpans each scored step's [start, end) in code points of the response, interleaved
 * @param modelTokens tokens the model ran for this part (for a part scored with others, its share)
 */
public record ScorePart(
    String part,
    RowStatus status,
    String error,
    Double value,
    Double dropFirst,
    Double standardError,
    Strata strata,
    int stepsScored,
    int nTokens,
    int nSteps,
    boolean truncated,
    float[] stepScores,
    int[] stepSpans,
    int repeatedSteps,
    Double noRepeats,
    long modelTokens)
    implements Serializable {

  public static final String GALP = "galp";

  /** A part's columns where it is stored (the incremental cache), in order. */
  public static final List<String> COLUMNS =
      List.of(
          "part",
          "part_hash",
          "status",
          "error",
          "value",
          "drop_first",
          "se",
          "strata",
          "steps_scored",
          "n_tokens",
          "n_steps",
          "truncated",
          "step_scores",
          "step_spans",
          "repeated_steps",
          "no_repeats",
          "model_tokens");

  /**
   * Columns a part may lack where it is stored: added after caches were first written, read as null
   * from a file written before.
   */
  public static final List<String> OPTIONAL = List.of("strata");

  public boolean isGalp() {
    return part.equals(GALP);
  }

  /** Builds a part one field at a time (a stored part read back column by column). */
  public static final class Builder {
    private String part;
    private RowStatus status = RowStatus.OK;
    private String error;
    private Double value;
    private Double dropFirst;
    private Double standardError;
    private Strata strata;
    private int stepsScored;
    private int nTokens;
    private int nSteps;
    private boolean truncated;
    private float[] stepScores;
    private int[] stepSpans;
    private int repeatedSteps;
    private Double noRepeats;
    private long modelTokens;

    public Builder part(String v) {
      part = v;
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

    public Builder value(Double v) {
      value = v;
      return this;
    }

    public Builder dropFirst(Double v) {
      dropFirst = v;
      return this;
    }

    public Builder standardError(Double v) {
      standardError = v;
      return this;
    }

    public Builder strata(Strata v) {
      strata = v;
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

    public Builder truncated(boolean v) {
      truncated = v;
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

    public Builder noRepeats(Double v) {
      noRepeats = v;
      return this;
    }

    public Builder modelTokens(long v) {
      modelTokens = v;
      return this;
    }

    public ScorePart build() {
      return new ScorePart(
          part,
          status,
          error,
          value,
          dropFirst,
          standardError,
          strata,
          stepsScored,
          nTokens,
          nSteps,
          truncated,
          stepScores,
          stepSpans,
          repeatedSteps,
          noRepeats,
          modelTokens);
    }
  }
}
