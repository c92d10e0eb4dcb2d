package dev.naturalness.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;

/**
 * summary.json: what a run read, scored, selected and spent, as a tree of records written by
 * Jackson (field names in snake_case). A run writes it last, and only when it finished.
 *
 * @param stageSeconds wall seconds per stage, in order
 * @param tokensPerSecond model tokens per second of the scoring stage
 * @param configHash the first student's score-definition hash
 * @param plan per student, what the plan pass planned (before scoring)
 * @param selection per student, what the selection took against the best single teacher
 * @param lengths per student, how the scores follow response and step length over all scored rows
 * @param teacherStudent per teacher and student, the mean LALP and its rank (the matrix of a run
 *     with several students)
 * @param sincePrevious per student, what changed against the run the publish pointer named before
 *     this one (null when there is none, or when the two runs could not be compared)
 * @param sincePreviousSkipped why this run was not compared with the previous one (null when it
 *     was, or when there is none)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RunSummary(
    Counts counts,
    Map<String, Double> stageSeconds,
    Tokens tokens,
    long tokensPerSecond,
    List<Student> students,
    String configHash,
    int partitions,
    String started,
    String finished,
    double wallSeconds,
    List<CostPlan> plan,
    List<Composition> selection,
    List<Lengths> lengths,
    Map<String, Map<String, Cell>> teacherStudent,
    List<SincePrevious> sincePrevious,
    String sincePreviousSkipped,
    Map<String, Long> driverMemoryMb,
    Map<String, Long> executorMemoryMb,
    JsonNode config) {

  /**
   * @param read input rows
   * @param scoreRows rows in scores/: read x students
   * @param scored rows with status ok; {@code errored} the rest
   * @param scoredNow rows the model scored in this run with status ok (the rest were reused or
   *     failed)
   * @param duplicateIdsWithOtherText rows whose response_id an earlier row has with another text
   * @param correctUnrecognized rows whose correct label was not understood (taken as unknown)
   */
  public record Counts(
      long read,
      long scoreRows,
      long scored,
      long errored,
      long selected,
      Map<String, Long> byStatus,
      long scoredNow,
      long reused,
      long duplicateIdsWithOtherText,
      long correctUnrecognized) {}

  /**
   * @param response tokens in the responses; {@code model} what the model ran (a shared prompt
   *     once)
   */
  public record Tokens(long response, long model) {}

  public record Student(
      String name, String path, String modelSha256, int maxTokens, String configHash) {}

  /** A teacher's mean LALP and rank under one student. */
  public record Cell(Double mean, Integer rank) {}

  /**
   * What the selection took, per student: the first-ranked responses per teacher, and how that
   * compares with keeping only the best single teacher's responses.
   *
   * @param byTeacher first-ranked selections per teacher
   * @param fromOtherTeachers prompts whose selected response is not the top-ranked teacher's
   * @param topTeacherPrompts prompts where the top-ranked teacher has a candidate (what it alone
   *     would give)
   */
  public record Composition(
      String student,
      String topTeacher,
      long prompts,
      Map<String, Long> byTeacher,
      long fromOtherTeachers,
      long topTeacherPrompts,
      Double selectedMeanLalp,
      Double topTeacherMeanLalp) {}

  /**
   * Pearson correlations over one student's scored rows: each metric with length and mean step
   * length.
   */
  public record Lengths(
      String student,
      Double lalpLength,
      Double lalpStepLength,
      Double galpLength,
      Double galpStepLength) {}

  /**
   * @param previous the run compared with (what the publish pointer named before this run)
   * @param promptsCompared prompts selected in both runs; {@code promptsChanged} of them with
   *     another first pick
   * @param selectedByTeacher per teacher, first picks now minus before
   * @param rankChanges per teacher whose LALP rank moved, {before, now}
   */
  public record SincePrevious(
      String student,
      String previous,
      long promptsCompared,
      long promptsChanged,
      long promptsNew,
      long promptsGone,
      Map<String, Long> selectedByTeacher,
      Map<String, List<Integer>> rankChanges) {}

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The summary as a JSON tree (the report shows it without the config). */
  public JsonNode toTree() {
    return JSON.valueToTree(this);
  }

  /**
   * The same summary with other stage times and end (the report's own time comes after it is
   * drawn).
   */
  public RunSummary finishedAt(
      String end, double wall, Map<String, Long> driverMemory, Map<String, Long> executorMemory) {
    return new RunSummary(
        counts,
        stageSeconds,
        tokens,
        tokensPerSecond,
        students,
        configHash,
        partitions,
        started,
        end,
        wall,
        plan,
        selection,
        lengths,
        teacherStudent,
        sincePrevious,
        sincePreviousSkipped,
        driverMemory,
        executorMemory,
        config);
  }
}
