package dev.naturalness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.data.Metric;
import dev.naturalness.data.ScoreTotals;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.model.StudentManifest;
import dev.naturalness.model.StudentSpec;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** summary.json assembled from what the stages found: plain values in, a {@link RunSummary} out. */
public final class RunSummaries {
  private RunSummaries() {}

  /** What the stages of a run found, for its summary. */
  public record Parts(
      CorpusCounts corpus,
      ScoreTotals totals,
      long reusedFromUnfinishedRun,
      long selected,
      Map<String, Double> stageSeconds,
      double scoringSeconds,
      int partitions,
      List<RunSummary.Student> students,
      List<CostPlan> plans,
      List<RunSummary.Composition> selection,
      List<RunSummary.Lengths> lengths,
      List<TeacherSummary> teachers,
      List<RunSummary.SincePrevious> sincePrevious,
      String sincePreviousSkipped,
      String input,
      List<RunSummary.Funnel> funnel,
      List<RunSummary.Export> exports,
      Instant started,
      String resolvedConfig) {}

  public static RunSummary of(Parts p) {
    ScoreTotals t = p.totals();
    RunSummary.Counts counts =
        new RunSummary.Counts(
            p.corpus().rows(),
            t.rows(),
            t.ok(),
            t.rows() - t.ok(),
            p.selected(),
            t.byStatus(),
            t.scoredNow(),
            t.reused(),
            p.reusedFromUnfinishedRun(),
            p.corpus().duplicateIdsWithOtherText(),
            p.corpus().correctUnrecognized());
    Instant now = Instant.now();
    return new RunSummary.Builder()
        .counts(counts)
        .stageSeconds(p.stageSeconds())
        .tokens(new RunSummary.Tokens(t.responseTokens(), t.modelTokens()))
        .tokensPerSecond(
            p.scoringSeconds() > 0 ? Math.round(t.modelTokens() / p.scoringSeconds()) : 0)
        .students(p.students())
        .configHash(p.students().get(0).configHash())
        .partitions(p.partitions())
        .started(p.started().toString())
        .finished(now.toString())
        .wallSeconds(seconds(p.started(), now))
        .plan(p.plans())
        .selection(p.selection())
        .lengths(p.lengths())
        .teacherStudent(matrix(p.teachers()))
        .sincePrevious(p.sincePrevious(), p.sincePreviousSkipped())
        .input(p.input())
        .funnel(p.funnel())
        .exports(p.exports())
        .config(json(p.resolvedConfig()))
        .build();
  }

  /** The summary line of one student. */
  public static RunSummary.Student student(StudentSpec spec, StudentManifest manifest) {
    return new RunSummary.Student(
        spec.name(),
        spec.source(),
        manifest.modelSha256(),
        spec.definition().maxTokens(),
        spec.definition().hash());
  }

  /** Per teacher and student, the ranking metric's mean and rank. */
  static Map<String, Map<String, RunSummary.Cell>> matrix(List<TeacherSummary> teachers) {
    Map<String, Map<String, RunSummary.Cell>> out = new LinkedHashMap<>();
    for (TeacherSummary t : teachers) {
      out.computeIfAbsent(t.teacher(), k -> new LinkedHashMap<>())
          .put(
              t.student(), new RunSummary.Cell(t.of(Metric.LALP).mean(), t.of(Metric.LALP).rank()));
    }
    return out;
  }

  public static double seconds(Instant from, Instant to) {
    return (to.toEpochMilli() - from.toEpochMilli()) / 1000.0;
  }

  private static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
