package dev.naturalness.report;

import dev.naturalness.data.TeacherSummary;
import java.util.List;
import java.util.Map;

/**
 * What report.html shows, already aggregated and sampled so that it stays small whatever the corpus
 * size: plain values, no Spark.
 *
 * @param summary the run's numbers
 * @param config the resolved config, as JSON
 * @param teachers the teacher table, per student ranked by LALP
 * @param windows the window specs, the ranking one first
 * @param histograms per student and metric, the bin edges and per teacher the counts
 * @param disagreements per student, where LALP's and GALP's picks differ
 * @param worstSteps a few responses with their steps and step scores
 */
public record ReportData(
    RunSummary summary,
    String config,
    List<TeacherSummary> teachers,
    List<String> windows,
    Map<String, Map<String, Histogram>> histograms,
    Map<String, Disagreements> disagreements,
    List<ResponseSteps> worstSteps) {

  /** Counts in equal bins over [low, high]. */
  public record Histogram(double low, double high, int bins, Map<String, long[]> counts) {}

  /**
   * @param compared prompts with at least one response scored by both metrics
   * @param prompts prompts where LALP and GALP pick a different teacher's response
   * @param pairs (LALP's teacher, GALP's teacher, prompts), most frequent first
   * @param sample a few such prompts
   */
  public record Disagreements(
      long compared, long prompts, List<Pair> pairs, List<Example> sample) {}

  public record Pair(String lalpTeacher, String galpTeacher, long prompts) {}

  public record Example(
      String promptId, String lalpTeacher, double lalp, String galpTeacher, double galp) {}

  /** One response cut into its steps, each with its score (null when there are no step scores). */
  public record ResponseSteps(
      String student,
      String teacher,
      String promptId,
      String responseId,
      double lalp,
      String prompt,
      List<String> steps,
      List<Float> scores) {}
}
