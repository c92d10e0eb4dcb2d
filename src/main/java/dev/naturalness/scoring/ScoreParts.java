package dev.naturalness.scoring;

import dev.naturalness.data.Metric;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.ScorePart;
import dev.naturalness.text.CodePoints;
import dev.naturalness.text.Span;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response's scores cut into the parts a definition has: GALP, and one part per window. */
public final class ScoreParts {
  private ScoreParts() {}

  /** Part name to part, GALP first (when computed), then each window under its spec. */
  public static Map<String, ScorePart> of(
      ResponseScore s, ScoreDefinition definition, String response) {
    Map<String, ScorePart> parts = new LinkedHashMap<>();
    int count =
        (definition.computes(Metric.GALP) ? 1 : 0)
            + (definition.computes(Metric.LALP) ? definition.windows().size() : 0);
    // The model's tokens are the response's; each part carries its share so that parts add up.
    long share = count == 0 ? 0 : s.modelTokens() / count;
    long first = s.modelTokens() - share * (count - 1);
    boolean firstPart = true;
    if (definition.computes(Metric.GALP)) {
      parts.put(
          ScorePart.GALP,
          part(ScorePart.GALP, s, s.galp(), null, firstPart ? first : share, response));
      firstPart = false;
    }
    for (int w = 0; w < definition.windows().size() && definition.computes(Metric.LALP); w++) {
      String spec = definition.windows().get(w).spec();
      ResponseScore.WindowScore window = s.ok() ? s.windows().get(w) : null;
      parts.put(
          spec,
          part(
              spec,
              s,
              window == null ? null : window.lalp(),
              window,
              firstPart ? first : share,
              response));
      firstPart = false;
    }
    return parts;
  }

  private static ScorePart part(
      String name,
      ResponseScore s,
      Double value,
      ResponseScore.WindowScore w,
      long tokens,
      String response) {
    RowStatus status =
        !s.ok() ? RowStatus.MODEL_ERROR : value == null ? RowStatus.UNSCORABLE : RowStatus.OK;
    if (!s.ok() || w == null) {
      // A failed response, or GALP: no steps to keep.
      return new ScorePart(
          name,
          status,
          s.error(),
          s.ok() ? value : null,
          null,
          null,
          null,
          0,
          s.nTokens(),
          s.nSteps(),
          s.truncated(),
          null,
          null,
          0,
          null,
          tokens);
    }
    return new ScorePart(
        name,
        status,
        null,
        value,
        w.dropFirst(),
        w.standardError(),
        w.strata(),
        w.stepsScored(),
        s.nTokens(),
        s.nSteps(),
        s.truncated(),
        w.stepScores(),
        CodePoints.spans(response, w.stepSpans()),
        w.repeatedSteps(),
        w.noRepeats(),
        tokens);
  }

  /** Spans as Java char indices back from code points (for the report's step texts). */
  public static Span[] charSpans(String response, int[] codePointSpans) {
    Span[] out = new Span[codePointSpans.length / 2];
    for (int k = 0; k < out.length; k++) {
      out[k] =
          new Span(
              response.offsetByCodePoints(0, codePointSpans[2 * k]),
              response.offsetByCodePoints(0, codePointSpans[2 * k + 1]));
    }
    return out;
  }
}
