package dev.naturalness.data;

import java.io.Serializable;

/**
 * The scores of one response under one part of a definition: GALP (part {@code galp}), or one
 * window's LALP and what comes with it (part = the window's spec, e.g. {@code fraction=0.25}). The
 * incremental cache stores parts, so a run that adds a window or a student computes only what is
 * new.
 *
 * @param value GALP, or the window's LALP (null when nothing could be scored)
 * @param dropFirst the window's LALP without each step's first token (LALP parts only)
 * @param standardError with step sampling, the standard error of value (LALP parts only)
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

  public boolean isGalp() {
    return part.equals(GALP);
  }
}
