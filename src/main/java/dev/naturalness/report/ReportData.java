package dev.naturalness.report;

import java.util.List;
import java.util.Map;

/**
 * What report.html shows, already aggregated and sampled so that it stays small whatever the corpus
 * size: plain values, no Spark.
 *
 * @param summary the run's numbers (summary.json without the config)
 * @param config the resolved config, as JSON
 * @param teachers the teacher table, ranked by LALP, as column -> value
 * @param histograms per metric, the bin edges and per teacher the counts
 * @param promptsCompared prompts with at least one response scored by both metrics
 * @param disagreements prompts where LALP and GALP pick a different teacher's response
 * @param disagreementPairs (LALP's teacher, GALP's teacher) -> prompts, most frequent first
 * @param disagreementSample a few such prompts
 * @param worstSteps a few responses with their steps and step scores
 */
public record ReportData(
    Map<String, Object> summary,
    String config,
    List<Map<String, Object>> teachers,
    Map<String, Histogram> histograms,
    long promptsCompared,
    long disagreements,
    List<Map<String, Object>> disagreementPairs,
    List<Map<String, Object>> disagreementSample,
    List<ResponseSteps> worstSteps) {

  /** Counts in equal bins over [low, high]. */
  public record Histogram(double low, double high, int bins, Map<String, long[]> counts) {}

  /**
   * One response cut into its steps, each with its score (null when steps and scores could not be
   * matched).
   */
  public record ResponseSteps(
      String teacher,
      String promptId,
      String responseId,
      double lalp,
      String prompt,
      List<String> steps,
      List<Float> scores) {}
}
