package dev.naturalness.stats;

import dev.naturalness.scoring.Metric;
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

  public Double value(Metric metric) {
    return values[metric.ordinal()];
  }
}
