package dev.naturalness.stats;

import dev.naturalness.data.Metric;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.ScoreRecord;
import java.io.Serializable;
import java.util.Map;

/**
 * One response as the teacher statistics need it.
 *
 * @param ok whether it was scored (status ok)
 * @param values its score per metric, by {@link Metric#ordinal()} (null where not computed)
 * @param byWindow each window's LALP
 * @param chars its length in code points; {@code steps} its steps
 * @param repeated its scored steps that mostly repeat their window; {@code stepsScored} all scored
 * @param noRepeats LALP without those steps; {@code dropFirst} LALP without each step's first token
 */
public record TeacherResponse(
    boolean ok,
    String promptId,
    Double[] values,
    Map<String, Double> byWindow,
    int chars,
    int steps,
    int repeated,
    int stepsScored,
    Double noRepeats,
    Double dropFirst)
    implements Serializable {

  /** A score row as the statistics read it. */
  public static TeacherResponse of(ScoreRecord s) {
    Double[] values = new Double[Metric.values().length];
    for (Metric m : Metric.values()) {
      values[m.ordinal()] = s.value(m);
    }
    return new TeacherResponse(
        s.status() == RowStatus.OK,
        s.promptId(),
        values,
        s.lalpByWindow() == null ? Map.of() : s.lalpByWindow(),
        s.responseChars(),
        s.nSteps(),
        s.repeatedSteps(),
        s.stepsScored(),
        s.lalpNoRepeats(),
        s.lalpDropFirst());
  }

  public Double value(Metric metric) {
    return values[metric.ordinal()];
  }
}
