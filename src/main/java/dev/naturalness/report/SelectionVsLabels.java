package dev.naturalness.report;

import dev.naturalness.stats.LabelledSelection.Share;
import java.util.List;
import java.util.Map;

/**
 * With correctness labels, per student: how often each way of choosing one response per prompt
 * picks a correct one, over the prompts whose candidates are all labelled (at least two), the picks
 * made without the labels (stats/LabelledSelection).
 *
 * @param candidates the candidates of those prompts
 * @param pool the share of those candidates that are correct (each counted)
 * @param choices per way of choosing (lalp, galp, random, shortest, longest, best-possible)
 * @param teachers per teacher, its labelled responses' correct rate and the picks it won
 */
public record SelectionVsLabels(
    String student,
    long prompts,
    long candidates,
    Share pool,
    List<Choice> choices,
    List<TeacherLabels> teachers) {

  /**
   * @param prompts the prompts it chose on (GALP's leaves out those with no GALP)
   * @param rate the share of prompts whose pick is correct (random: its expectation)
   * @param vsRandom the rate's gain over random's on the same prompts
   */
  public record Choice(String chooser, long prompts, Share rate, Share vsRandom) {}

  /**
   * @param correct the share of the teacher's labelled, scored responses that are correct
   * @param picks per chooser (lalp, galp), the prompts whose pick is this teacher's, and how many
   *     of those picks are correct
   */
  public record TeacherLabels(
      String teacher, long responses, Share correct, Map<String, Picks> picks) {}

  public record Picks(long picks, long correct) {}
}
