package dev.naturalness.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
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
 * @param input how the corpus gave its prompts and responses (its shape and response template;
 *     empty for a flat corpus)
 * @param funnel per student, the rows that pass each check before selection
 * @param exports the training data written from the selection, per format
 * @param samplingError with sampled steps, per student and teacher, the standard error sampling
 *     adds to the teacher's mean LALP
 * @param selectionCertainty with sampled steps, per student, how sure its selections are: the
 *     probability that each prompt's first selected response is its best, summarised
 * @param selectionVsLabels with correctness labels, per student, how often LALP's picks are correct
 *     against GALP's, random's, the shortest's and the longest's
 * @param warnings what the run found that a user should know and that did not stop it (a check
 *     select.require names with no data behind it, an export with no rows), one line each
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
    String input,
    List<Funnel> funnel,
    List<Export> exports,
    List<SamplingError> samplingError,
    List<Certainty> selectionCertainty,
    List<SelectionVsLabels> selectionVsLabels,
    List<String> warnings,
    Map<String, Long> driverMemoryMb,
    Map<String, Long> executorMemoryMb,
    JsonNode config) {

  /**
   * @param read input rows
   * @param scoreRows rows in scores/: read x students
   * @param scored rows with status ok; {@code errored} the rest
   * @param scoredNow rows the model scored in this run with status ok (the rest were reused or
   *     failed)
   * @param reused rows whose scores were stored (in the incremental cache, or in the work area of
   *     an unfinished run on the same output); {@code reusedFromUnfinishedRun} those of the work
   *     area
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
      long reusedFromUnfinishedRun,
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
   * Pearson correlations over one student's scored rows, per metric (by its key): the score with
   * response length, and with mean step length.
   */
  public record Lengths(
      String student, Map<String, Double> length, Map<String, Double> stepLength) {}

  /**
   * One student's funnel: its rows, those scored, how many scored rows fail each check (whether
   * required or not), and the steps from scored to selected through each required check.
   *
   * @param steps in order: scored, then "passes <check>" for each check select.require names (each
   *     counting the rows that pass it and all before it), candidates, and the prompts with one
   * @param selected the rows of selected/ for the student
   */
  public record Funnel(
      String student,
      long rows,
      long scored,
      Map<String, Long> flagged,
      Map<String, Long> steps,
      long selected) {}

  /**
   * One student's selections from sampled scores: how many prompts, how many of their first picks
   * are less than 90% and 99% likely to be the best, the mean likelihood, and the exact check's
   * figures (null without one).
   */
  public record Certainty(
      String student,
      long prompts,
      long below90,
      long below99,
      Double mean,
      ExactCheck exactCheck) {}

  /**
   * The prompts scored exactly as well (scoring.exact-check-share): how many, the share whose
   * sampled pick is exact's against the mean certainty of those picks, how the sampled scores erred
   * (the error model fit to them), and per certainty bin of width 0.2 the same two figures.
   */
  public record ExactCheck(
      long prompts, double agreement, double certainty, String errors, List<Bin> bins) {}

  /** A bin of certainty [from, to): its prompts, their mean certainty and agreement with exact. */
  public record Bin(double from, double to, long prompts, double certainty, double agreement) {}

  /**
   * An export: its format, where it is (null when not written), its rows, per student how many each
   * teacher and each split has, the selected rows it could not hold (per student, by reason), and
   * why it was not written (null when it was).
   */
  public record Export(
      String format,
      String path,
      long rows,
      Map<String, Map<String, Long>> rowsByTeacher,
      Map<String, Map<String, Long>> rowsBySplit,
      Map<String, Map<String, Long>> leftOut,
      String notWritten) {}

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

  /** A summary.json read back (tests and tools read a run's summary as this record). */
  public static RunSummary fromJson(String json) {
    try {
      return JSON.copy()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .readValue(json, RunSummary.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a summary.json: " + e.getOriginalMessage(), e);
    }
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a summary part by part; a copy changes only what it sets. */
  public static final class Builder {
    private Counts counts;
    private Map<String, Double> stageSeconds = Map.of();
    private Tokens tokens;
    private long tokensPerSecond;
    private List<Student> students = List.of();
    private String configHash;
    private int partitions;
    private String started;
    private String finished;
    private double wallSeconds;
    private List<CostPlan> plan = List.of();
    private List<Composition> selection = List.of();
    private List<Lengths> lengths = List.of();
    private Map<String, Map<String, Cell>> teacherStudent = Map.of();
    private List<SincePrevious> sincePrevious;
    private String sincePreviousSkipped;
    private String input = "";
    private List<Funnel> funnel = List.of();
    private List<Export> exports = List.of();
    private List<SamplingError> samplingError = List.of();
    private List<Certainty> selectionCertainty = List.of();
    private List<SelectionVsLabels> selectionVsLabels = List.of();
    private List<String> warnings = List.of();
    private Map<String, Long> driverMemoryMb = Map.of();
    private Map<String, Long> executorMemoryMb = Map.of();
    private JsonNode config;

    public Builder() {}

    private Builder(RunSummary s) {
      counts = s.counts;
      stageSeconds = s.stageSeconds;
      tokens = s.tokens;
      tokensPerSecond = s.tokensPerSecond;
      students = s.students;
      configHash = s.configHash;
      partitions = s.partitions;
      started = s.started;
      finished = s.finished;
      wallSeconds = s.wallSeconds;
      plan = s.plan;
      selection = s.selection;
      lengths = s.lengths;
      teacherStudent = s.teacherStudent;
      sincePrevious = s.sincePrevious;
      sincePreviousSkipped = s.sincePreviousSkipped;
      input = s.input;
      funnel = s.funnel;
      exports = s.exports;
      samplingError = s.samplingError;
      selectionCertainty = s.selectionCertainty;
      selectionVsLabels = s.selectionVsLabels;
      warnings = s.warnings;
      driverMemoryMb = s.driverMemoryMb;
      executorMemoryMb = s.executorMemoryMb;
      config = s.config;
    }

    public Builder counts(Counts v) {
      counts = v;
      return this;
    }

    public Builder stageSeconds(Map<String, Double> v) {
      stageSeconds = v;
      return this;
    }

    public Builder tokens(Tokens v) {
      tokens = v;
      return this;
    }

    public Builder tokensPerSecond(long v) {
      tokensPerSecond = v;
      return this;
    }

    public Builder students(List<Student> v) {
      students = v;
      return this;
    }

    public Builder configHash(String v) {
      configHash = v;
      return this;
    }

    public Builder partitions(int v) {
      partitions = v;
      return this;
    }

    public Builder started(String v) {
      started = v;
      return this;
    }

    public Builder finished(String v) {
      finished = v;
      return this;
    }

    public Builder wallSeconds(double v) {
      wallSeconds = v;
      return this;
    }

    public Builder plan(List<CostPlan> v) {
      plan = v;
      return this;
    }

    public Builder selection(List<Composition> v) {
      selection = v;
      return this;
    }

    public Builder lengths(List<Lengths> v) {
      lengths = v;
      return this;
    }

    public Builder teacherStudent(Map<String, Map<String, Cell>> v) {
      teacherStudent = v;
      return this;
    }

    public Builder sincePrevious(List<SincePrevious> v, String skipped) {
      sincePrevious = v;
      sincePreviousSkipped = skipped;
      return this;
    }

    public Builder input(String v) {
      input = v;
      return this;
    }

    public Builder funnel(List<Funnel> v) {
      funnel = v;
      return this;
    }

    public Builder samplingError(List<SamplingError> v) {
      samplingError = v;
      return this;
    }

    public Builder selectionCertainty(List<Certainty> v) {
      selectionCertainty = v;
      return this;
    }

    public Builder selectionVsLabels(List<SelectionVsLabels> v) {
      selectionVsLabels = v;
      return this;
    }

    public Builder warnings(List<String> v) {
      warnings = v;
      return this;
    }

    public Builder exports(List<Export> v) {
      exports = v;
      return this;
    }

    public Builder memory(Map<String, Long> driver, Map<String, Long> executors) {
      driverMemoryMb = driver;
      executorMemoryMb = executors;
      return this;
    }

    public Builder config(JsonNode v) {
      config = v;
      return this;
    }

    public RunSummary build() {
      return new RunSummary(
          counts,
          stageSeconds,
          tokens,
          tokensPerSecond,
          students,
          configHash,
          partitions,
          started,
          finished,
          wallSeconds,
          plan,
          selection,
          lengths,
          teacherStudent,
          sincePrevious,
          sincePreviousSkipped,
          input,
          funnel,
          exports,
          samplingError,
          selectionCertainty,
          selectionVsLabels,
          warnings,
          driverMemoryMb,
          executorMemoryMb,
          config);
    }
  }
}
