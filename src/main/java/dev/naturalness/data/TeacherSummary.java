package dev.naturalness.data;

import java.io.Serializable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One row of teachers/: a teacher's counts and, per metric, its statistics, for one student.
 *
 * @param byMetric each metric's statistics (LALP's under the ranking window)
 * @param lalpMeanByWindow per window, the mean LALP (and {@code lalpRankByWindow} its rank)
 * @param traits what a score may be rewarding: lengths, their correlations with the scores,
 *     repetition
 * @param family the teacher's model family (null: unknown)
 * @param sameFamily whether it is the student's family (null: one of the two is unknown):
 *     likelihood scores are known to favour a student's own family
 */
public record TeacherSummary(
    String student,
    String teacher,
    long responses,
    long scored,
    long errors,
    Map<Metric, MetricStatistics> byMetric,
    Map<String, Double> lalpMeanByWindow,
    Map<String, Integer> lalpRankByWindow,
    Traits traits,
    String family,
    Boolean sameFamily)
    implements Serializable {

  public TeacherSummary {
    EnumMap<Metric, MetricStatistics> all = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      MetricStatistics s = byMetric == null ? null : byMetric.get(m);
      all.put(m, s == null ? MetricStatistics.NONE : s);
    }
    byMetric = Collections.unmodifiableMap(all);
  }

  /** The same row with the teacher's family, and whether the student has the same one. */
  public TeacherSummary withFamily(String teacherFamily, String studentFamily) {
    Boolean same =
        teacherFamily == null || studentFamily == null || studentFamily.isEmpty()
            ? null
            : teacherFamily.equalsIgnoreCase(studentFamily);
    return new TeacherSummary(
        student,
        teacher,
        responses,
        scored,
        errors,
        byMetric,
        lalpMeanByWindow,
        lalpRankByWindow,
        traits,
        teacherFamily,
        same);
  }

  /** The teacher's statistics on a metric ({@link MetricStatistics#NONE} when it has none). */
  public MetricStatistics of(Metric metric) {
    return byMetric.get(metric);
  }

  /**
   * One metric's statistics; values are null where there is nothing to compute from.
   *
   * @param winRate share of the teacher's prompts where its response scores highest
   * @param balancedMean the mean over the prompts every teacher answered (with a score)
   * @param topProbability the share of bootstrap resamples of prompts in which this teacher ranks
   *     first
   */
  public record MetricStatistics(
      Integer rank,
      Double mean,
      Double median,
      Double ciLow,
      Double ciHigh,
      Double winRate,
      long prompts,
      Double balancedMean,
      Integer balancedRank,
      Double topProbability)
      implements Serializable {
    public static final MetricStatistics NONE =
        new MetricStatistics(null, null, null, null, null, null, 0, null, null, null);
  }

  /**
   * @param meanChars mean response length in characters
   * @param meanStepChars mean step length in characters (over responses, their mean step length)
   * @param lengthCorrelation per metric, Pearson's correlation of the score with response length,
   *     over the teacher's responses
   * @param stepLengthCorrelation per metric, of the score with mean step length
   * @param repeatedStepShare the share of scored steps that mostly repeat their own window
   * @param lalpNoRepeatsMean mean LALP with those steps left out
   * @param lalpDropFirstMean mean LALP with each step's first token left out
   */
  public record Traits(
      Double meanChars,
      Double meanStepChars,
      Map<Metric, Double> lengthCorrelation,
      Map<Metric, Double> stepLengthCorrelation,
      Double repeatedStepShare,
      Double lalpNoRepeatsMean,
      Double lalpDropFirstMean)
      implements Serializable {
    public static final Traits NONE = new Traits(null, null, Map.of(), Map.of(), null, null, null);
  }
}
