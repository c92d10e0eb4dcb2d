package dev.naturalness.data;

import java.io.Serializable;
import java.util.Map;

/**
 * One row of teachers/: a teacher's counts and, per metric, its statistics, for one student.
 *
 * @param lalp the ranking metric's statistics (LALP under the ranking window)
 * @param lalpMeanByWindow per window, the mean LALP (and {@code lalpRankByWindow} its rank)
 * @param traits what a score may be rewarding: lengths, their correlations with the scores,
 *     repetition
 */
public record TeacherSummary(
    String student,
    String teacher,
    long responses,
    long scored,
    long errors,
    MetricStatistics lalp,
    MetricStatistics galp,
    Map<String, Double> lalpMeanByWindow,
    Map<String, Integer> lalpRankByWindow,
    Traits traits)
    implements Serializable {

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
   * @param lalpLengthCorrelation Pearson correlation of LALP with response length, over the
   *     teacher's responses
   * @param lalpStepLengthCorrelation of LALP with mean step length
   * @param galpLengthCorrelation of GALP with response length
   * @param galpStepLengthCorrelation of GALP with mean step length
   * @param repeatedStepShare the share of scored steps that mostly repeat their own window
   * @param lalpNoRepeatsMean mean LALP with those steps left out
   * @param lalpDropFirstMean mean LALP with each step's first token left out
   */
  public record Traits(
      Double meanChars,
      Double meanStepChars,
      Double lalpLengthCorrelation,
      Double lalpStepLengthCorrelation,
      Double galpLengthCorrelation,
      Double galpStepLengthCorrelation,
      Double repeatedStepShare,
      Double lalpNoRepeatsMean,
      Double lalpDropFirstMean)
      implements Serializable {
    public static final Traits NONE =
        new Traits(null, null, null, null, null, null, null, null, null);
  }
}
