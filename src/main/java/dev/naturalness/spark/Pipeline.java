package dev.naturalness.spark;

import dev.naturalness.checks.JobChecks;
import dev.naturalness.checks.ScoredChecks;
import dev.naturalness.checks.StudentChecks;
import dev.naturalness.config.Settings;
import dev.naturalness.data.ScoreTotals;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.output.Committers;
import dev.naturalness.output.Outputs;
import dev.naturalness.output.Publishing;
import dev.naturalness.output.RunLock;
import dev.naturalness.report.CardFacts;
import dev.naturalness.report.CorpusCounts;
import dev.naturalness.report.CostPlan;
import dev.naturalness.report.CostPlans;
import dev.naturalness.report.RunSummaries;
import dev.naturalness.report.RunSummary;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run, stage by stage: read the corpus; per student, attach what the incremental cache holds
 * and plan the cost (a plan-only run stops here, writing plan.json); score, partitioned by plan;
 * check the scores; write them; aggregate teachers; select; compare with the previous run; count;
 * draw the report; update the cache; and last, publish (the report, summary.json, the pointer). A
 * run that cannot be right fails before it writes anything a reader trusts.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  /** What a run produced (a plan-only run: its plans alone). */
  public record Result(
      RunSummary summary, List<TeacherSummary> teachers, List<CostPlan> plans, String outputPath) {}

  /** The corpus as read: its canonical rows (kept for the run) and what reading counted. */
  record Corpus(Dataset<Row> canonical, CorpusCounts counts) {}

  /** One student's rows to score (with what the cache holds), and their plan. */
  record Planned(
      StudentChecks.Prepared student,
      ScoringTask task,
      Dataset<Row> rows,
      PlanStage.Planned plan,
      CostPlan cost) {}

  /** Every student's scores, kept for the run, and what scoring them took. */
  record Scored(Dataset<Row> scores, int partitions, double seconds) {}

  /** The selected rows (kept for the report), how many were written, their make-up and check. */
  record Selection(
      Dataset<Row> rows,
      long written,
      List<RunSummary.Composition> composition,
      ExactCheck.Result check) {}

  private final SparkSession spark;
  private final JobChecks.Checked checked;
  private final Settings.Job settings;
  private final Configuration hadoop;
  private final Outputs outputs;
  private final Stages stages;
  private final RunLock lock;
  private final Instant started;

  /** What the run warns of (logged as it is found, kept for summary.json and the report). */
  private final List<String> warnings = new ArrayList<>();

  /** The incremental cache, when the run has one. */
  private final RunCache cache;

  private Pipeline(SparkSession spark, JobChecks.Checked checked, RunLock lock) {
    this.spark = spark;
    this.checked = checked;
    this.lock = lock;
    this.started = checked.started();
    this.settings = checked.settings();
    this.hadoop = spark.sparkContext().hadoopConfiguration();
    settings.s3().applyTo(hadoop);
    this.outputs = new Outputs(settings.output().path(), settings.output().format(), hadoop);
    this.stages = new Stages(spark);
    this.cache = new RunCache(spark, checked, stages, hadoop, this::warn);
  }

  /** Runs every stage on an existing session; summary.json (or plan.json) is written last. */
  public static Result run(SparkSession spark, JobChecks.Checked checked, RunLock lock) {
    Pipeline pipeline = new Pipeline(spark, checked, lock);
    RunStatus status =
        new RunStatus(
            spark,
            checked.runId(),
            checked.settings().progress(),
            pipeline.hadoop,
            checked.started());
    try (Stages stages = pipeline.stages;
        status) {
      Result result = pipeline.run();
      status.finish(RunStatus.State.SUCCEEDED, null);
      return result;
    } catch (RuntimeException | Error e) {
      status.finish(RunStatus.State.FAILED, String.valueOf(e.getMessage()));
      throw e;
    }
  }

  private Result run() {
    stages.configure(Committers.settings(settings));
    Corpus corpus = stages.run("read", this::read);
    List<Planned> planned = new ArrayList<>();
    for (StudentChecks.Prepared student : checked.students()) {
      planned.add(plan(corpus, student));
    }
    List<CostPlan> costs = planned.stream().map(Planned::cost).toList();
    if (settings.plan().only()) {
      stages.run("publish", () -> publishPlan(costs));
      return new Result(null, List.of(), costs, settings.output().path());
    }
    Scored scored = score(corpus, planned);
    ScoreTotals totals = stages.run("check", () -> CountStage.totals(scored.scores()));
    ScoredChecks.failOnModelErrors(
        totals, settings.scoring().maxModelErrorShare(), cache.resumedRows());
    ScoredChecks.failWhenNothingScored(totals);
    stages.run("write scores", () -> writeScores(scored.scores()));
    ExactCheck.Result check = check(corpus, planned, scored);
    List<TeacherSummary> teachers =
        stages.run("teachers", () -> writeTeachers(corpus, scored.scores()));
    Selection selection = select(corpus, scored, teachers, check);
    PreviousRun.Comparison since = compare(selection, teachers);
    List<RunSummary.Funnel> funnel =
        stages.run(
            "count", () -> CountStage.funnel(scored.scores(), selection.rows(), settings.select()));
    List<RunSummary.Export> exports = export(corpus, scored, selection, funnel);
    RunSummary summary =
        stages.run(
            "count",
            () ->
                summarize(
                    corpus, scored, costs, totals, selection, teachers, since, funnel, exports));
    stages.run("report", () -> report(corpus, scored, selection, teachers, summary));
    cache.update(scored.scores());
    RunSummary finished =
        summary.toBuilder()
            .stageSeconds(stages.seconds())
            .finished(Instant.now().toString())
            .wallSeconds(RunSummaries.seconds(started, Instant.now()))
            .memory(Memory.driver(), Memory.executors(spark))
            .build();
    stages.run(
        "publish",
        () -> {
          Publishing.publish(outputs, lock, finished.toJson(), settings, hadoop);
          cache.published();
          return null;
        });
    return new Result(finished, teachers, costs, settings.output().path());
  }

  /** summary.json, from what the stages found (less what the last stages add). */
  private RunSummary summarize(
      Corpus corpus,
      Scored scored,
      List<CostPlan> costs,
      ScoreTotals totals,
      Selection selection,
      List<TeacherSummary> teachers,
      PreviousRun.Comparison since,
      List<RunSummary.Funnel> funnel,
      List<RunSummary.Export> exports) {
    return RunSummaries.of(
            new RunSummaries.Parts(
                corpus.counts(),
                totals,
                cache.resumedRows(),
                selection.written(),
                stages.seconds(),
                scored.seconds(),
                scored.partitions(),
                checked.students().stream()
                    .map(s -> RunSummaries.student(s.spec(), s.manifest()))
                    .toList(),
                costs,
                selection.composition(),
                CountStage.lengths(scored.scores()),
                teachers,
                since.students(),
                since.skipped(),
                settings.input().form(),
                funnel,
                exports,
                started,
                settings.resolvedJson()))
        .toBuilder()
        .samplingError(SamplingErrors.forRun(scored.scores(), settings.scoring()))
        .selectionCertainty(
            settings.scoring().sampleSteps() > 0
                ? SelectStage.certainty(
                    selection.rows(),
                    ExactCheck.agreement(
                        selection.rows(), scored.scores(), selection.check(), settings.select()))
                : List.of())
        .selectionVsLabels(
            corpus.counts().labelled() > 0
                ? LabelledSelectionStage.measure(scored.scores())
                : List.of())
        .warnings(List.copyOf(warnings))
        .build();
  }

  private Corpus read() {
    Dataset<Row> canonical =
        stages.keep(
            CorpusReader.canonicalRows(
                CorpusReader.readCorpus(spark, settings.input(), checked.input()),
                settings.input(),
                settings.scoring().segmenter()));
    CorpusCounts counts = CountStage.corpus(canonical);
    CorpusNotes.tell(counts, settings, checked.input().format(), this::warn);
    return new Corpus(canonical, counts);
  }

  /** A warning: logged now, and in summary.json and the report. */
  private void warn(String warning) {
    LOG.warn(warning);
    warnings.add(warning);
  }

  /** One student's rows, with what the cache holds for them, and what scoring them will cost. */
  private Planned plan(Corpus corpus, StudentChecks.Prepared student) {
    ScoringTask task = ScoringTask.of(settings, student.spec());
    Dataset<Row> rows = stages.run("reuse cached", () -> cache.attach(corpus.canonical(), task));
    PlanStage.Planned plan = stages.run("plan", () -> PlanStage.plan(rows, task));
    CostPlan rated =
        CostPlans.withRate(
            plan.totals().report(student.spec().name(), null, null),
            settings,
            student.manifest().modelSha256(),
            hadoop);
    CostPlan cost =
        task.student().definition().sampleSteps() > 0
            ? stages.run(
                "plan", () -> SamplingErrors.expectedIn(rated, task, settings, spark, hadoop))
            : rated;
    CostPlans.log(cost);
    if (!CostPlans.sampling(cost).isEmpty()) {
      LOG.info(
          "plan for student {}:\n{}", cost.student(), CostPlans.sampling(cost).stripTrailing());
    }
    return new Planned(student, task, rows, plan, cost);
  }

  private Void publishPlan(List<CostPlan> costs) throws IOException {
    lock.checkStillOurs();
    outputs.writeText(CostPlans.PLAN, CostPlans.json(costs, stages.seconds()));
    return null;
  }

  /** Every student in turn, one Spark stage each, so that one student at a time is resident. */
  private Scored score(Corpus corpus, List<Planned> planned) {
    return new StudentScoring(spark, settings, stages, cache).score(corpus, planned);
  }

  private Void writeScores(Dataset<Row> scores) throws IOException {
    Dataset<Row> out = scores.drop(ScoreRows.INTERNAL.toArray(new String[0]));
    if (!settings.output().stepScores()) {
      out = out.drop(ScoreRows.STEP_COLUMNS.toArray(new String[0]));
    }
    Tables.write(out, outputs, "scores");
    return null;
  }

  private List<TeacherSummary> writeTeachers(Corpus corpus, Dataset<Row> scores)
      throws IOException {
    Map<String, String> studentFamilies = new HashMap<>();
    for (StudentChecks.Prepared s : checked.students()) {
      studentFamilies.put(s.spec().name(), s.manifest().family());
    }
    return TeacherStage.write(
        spark, corpus.canonical(), scores, settings, studentFamilies, outputs);
  }

  /** With sampled steps and scoring.exact-check-share: the checked prompts scored exactly. */
  private ExactCheck.Result check(Corpus corpus, List<Planned> planned, Scored scored) {
    if (settings.scoring().sampleSteps() == 0 || settings.scoring().exactCheckShare() == 0) {
      return ExactCheck.Result.NONE;
    }
    List<ScoringTask> tasks = planned.stream().map(Planned::task).toList();
    return stages.run(
        "exact check",
        () ->
            ExactCheck.score(
                spark,
                stages,
                corpus.canonical(),
                tasks,
                scored.scores(),
                settings,
                cache::checkTarget));
  }

  private Selection select(
      Corpus corpus, Scored scored, List<TeacherSummary> teachers, ExactCheck.Result check) {
    Dataset<Row> selected =
        stages.keep(
            stages.run(
                "select",
                () ->
                    SelectStage.selectResponses(
                        scored.scores(),
                        settings.input().shape() == Settings.Shape.FLAT
                                && settings.output().export().isEmpty()
                            ? null
                            : corpus.canonical(),
                        settings.select(),
                        settings.input().shape(),
                        settings.scoring().sampleSteps() > 0 ? check.errors() : null)));
    long written =
        stages.run(
            "select",
            () -> {
              long rows = selected.count();
              Tables.write(SelectStage.forWriting(selected, rows, 200_000), outputs, "selected");
              return rows;
            });
    List<RunSummary.Composition> composition =
        stages.run(
            "select",
            () -> SelectStage.composition(selected, scored.scores(), teachers, settings.select()));
    return new Selection(selected, written, composition, check);
  }

  private PreviousRun.Comparison compare(Selection selection, List<TeacherSummary> teachers) {
    if (checked.previousRun() == null) {
      return new PreviousRun.Comparison(null, null);
    }
    return stages.run(
        "compare",
        () ->
            PreviousRun.compare(spark, checked.previousRun(), selection.rows(), teachers, hadoop));
  }

  /** The training data the config asks for, from the selection. */
  private List<RunSummary.Export> export(
      Corpus corpus, Scored scored, Selection selection, List<RunSummary.Funnel> funnel) {
    if (settings.output().export().isEmpty()) {
      return List.of();
    }
    ExportStage.Context context =
        new ExportStage.Context(
            spark,
            settings,
            CardFacts.of(checked, funnel),
            outputs,
            checked.runId(),
            checked.students().stream().map(s -> s.spec().name()).toList(),
            this::warn);
    return stages.run(
        "export",
        () -> ExportStage.write(context, selection.rows(), scored.scores(), corpus.canonical()));
  }

  private Void report(
      Corpus corpus,
      Scored scored,
      Selection selection,
      List<TeacherSummary> teachers,
      RunSummary summary)
      throws IOException {
    ReportStage.writeReport(
        corpus.canonical(),
        scored.scores(),
        summary.counts().scoreRows(),
        selection.rows(),
        selection.written(),
        teachers,
        summary,
        settings,
        settings.scoring().reportedWindows(),
        outputs);
    return null;
  }
}
