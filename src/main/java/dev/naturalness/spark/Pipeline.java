package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.corr;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.config.Settings;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.output.Outputs;
import dev.naturalness.output.RunLock;
import dev.naturalness.report.CostPlan;
import dev.naturalness.report.RunSummary;
import dev.naturalness.scoring.WindowRule;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run, stage by stage: read the corpus; per student, attach what the incremental cache holds,
 * plan the cost, partition by it and score; write the scores; aggregate teachers; select; compare
 * with the previous run; draw the report; update the cache; and last, write summary.json and move
 * the publish pointer. A run that cannot be right (too many model errors) fails before it writes
 * anything a reader trusts.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  /** What a run produced. */
  public record Result(RunSummary summary, List<TeacherSummary> teachers, String outputPath) {}

  /** The corpus as read: its canonical rows (kept for the run) and what reading counted. */
  record Corpus(
      Dataset<Row> canonical,
      String format,
      long rows,
      long duplicateIdsWithOtherText,
      long correctUnrecognized) {}

  /** Every student's scores, kept for the run, and what scoring them planned and took. */
  record Scored(Dataset<Row> scores, List<CostPlan> plans, int partitions, double seconds) {}

  private final SparkSession spark;
  private final JobChecks.Checked checked;
  private final Settings.Job settings;
  private final Configuration hadoop;
  private final Outputs outputs;
  private final Stages stages;
  private final RunLock lock;
  private final Instant started;

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
  }

  /**
   * Runs every stage on an existing session and writes the outputs; summary.json is written last.
   */
  public static Result run(SparkSession spark, JobChecks.Checked checked, RunLock lock) {
    Pipeline pipeline = new Pipeline(spark, checked, lock);
    try (Stages stages = pipeline.stages) {
      return pipeline.run();
    }
  }

  private Result run() {
    Committers.use(spark, settings);
    Corpus corpus = stages.run("read", scope -> read());
    Scored scored = score(corpus);
    Totals totals = stages.run("check", scope -> totals(scored.scores()));
    failOnModelErrors(scored.scores(), totals);
    failWhenNothingScored(totals);
    stages.run("write scores", scope -> writeScores(scored.scores()));
    List<TeacherSummary> teachers = stages.run("teachers", scope -> writeTeachers(scored.scores()));
    Selection selection = select(scored, teachers);
    PreviousRun.Comparison since =
        checked.previousRun() == null
            ? new PreviousRun.Comparison(null, null)
            : stages.run(
                "compare",
                scope ->
                    PreviousRun.compare(
                        spark, checked.previousRun(), selection.rows(), teachers, hadoop));
    RunSummary summary =
        stages.run("count", scope -> summary(corpus, scored, totals, selection, teachers, since));
    stages.run(
        "report",
        scope -> {
          ReportStage.writeReport(
              scored.scores(),
              summary.counts().scoreRows(),
              selection.rows(),
              selection.written(),
              teachers,
              summary,
              settings,
              windows(),
              outputs);
          return null;
        });
    updateCache(scored);
    RunSummary finished =
        summary.finishedAt(
            Instant.now().toString(),
            secondsSince(started),
            Memory.driver(),
            Memory.executors(spark));
    stages.run("publish", scope -> publish(finished));
    return new Result(finished, teachers, settings.output().path());
  }

  /** The selected rows (kept for the report), how many were written, and what they took. */
  private record Selection(
      Dataset<Row> rows, long written, List<RunSummary.Composition> composition) {}

  private Selection select(Scored scored, List<TeacherSummary> teachers) {
    Dataset<Row> selected =
        stages.keep(
            stages.run(
                "select",
                scope -> SelectStage.selectResponses(scored.scores(), settings.select())));
    long written = stages.run("select", scope -> writeSelection(selected));
    List<RunSummary.Composition> composition =
        stages.run(
            "select",
            scope ->
                SelectStage.composition(selected, scored.scores(), teachers, settings.select()));
    return new Selection(selected, written, composition);
  }

  private void updateCache(Scored scored) {
    JobChecks.Cache cache = checked.cache();
    if (cache != null) {
      stages.run(
          "update cache",
          scope -> {
            IncrementalCache.update(
                spark,
                scored.scores(),
                cache.directory(),
                cache.contents(),
                cache.directory().newVersion(started.toEpochMilli(), checked.runId()),
                hadoop);
            return null;
          });
    }
  }

  private Corpus read() {
    String format = checked.input().format();
    Dataset<Row> canonical =
        stages.keep(
            CorpusReader.canonicalRows(
                CorpusReader.readCorpus(spark, settings.input(), format),
                settings.input(),
                settings.scoring().segmenter()));
    Row counts =
        canonical
            .agg(
                count(lit(1)),
                sum(when(col(Fields.DUPLICATE).equalTo("OTHER_TEXT"), 1).otherwise(0)),
                sum(when(col(Fields.CORRECT_UNRECOGNIZED), 1).otherwise(0)))
            .first();
    Corpus corpus =
        new Corpus(
            canonical,
            format,
            counts.getLong(0),
            counts.isNullAt(1) ? 0 : counts.getLong(1),
            counts.isNullAt(2) ? 0 : counts.getLong(2));
    LOG.info("read {} rows from {} ({})", corpus.rows(), settings.input().path(), format);
    if (corpus.duplicateIdsWithOtherText() > 0) {
      LOG.warn(
          "{} rows reuse a response_id that an earlier row has with another prompt, response or steps; only the first "
              + "is scored (status duplicate)",
          corpus.duplicateIdsWithOtherText());
    }
    if (corpus.correctUnrecognized() > 0) {
      LOG.warn(
          "{} rows have a correct label that is not a boolean, true/false, yes/no, 1/0, t/f or y/n; it counts as "
              + "unknown and the rows are scored",
          corpus.correctUnrecognized());
    }
    return corpus;
  }

  /** Every student in turn, one Spark stage each, so that one student at a time is resident. */
  private Scored score(Corpus corpus) {
    List<Dataset<Row>> perStudent = new ArrayList<>();
    List<CostPlan> plans = new ArrayList<>();
    int partitions = 0;
    double seconds = 0;
    for (Students.Prepared student : checked.students()) {
      ScoreTask task = ScoreTask.of(settings, student.spec());
      Dataset<Row> rows =
          stages.run("reuse cached", scope -> withCachedParts(corpus.canonical(), task));
      PlanStage.Planned planned = stages.run("plan", scope -> PlanStage.plan(rows, task));
      CostPlan plan = planned.totals().report(student.spec().name(), null, null);
      plans.add(PlanOnly.withRate(plan, settings, student.manifest().modelSha256(), hadoop));
      PlanOnly.log(plans.get(plans.size() - 1));
      TokenPartitioning.Plan cut =
          TokenPartitioning.plan(
              planned.partitionWeights(),
              planned.totals().rows(),
              settings.partition().tokensPerPartition(),
              settings.partition().minPartitions() > 0
                  ? settings.partition().minPartitions()
                  : spark.sparkContext().defaultParallelism());
      partitions = Math.max(partitions, cut.partitions());
      long t = System.nanoTime();
      perStudent.add(
          stages.run(
              "score", scope -> scoreStudent(rows, task, cut, planned.totals(), corpus.rows())));
      seconds += (System.nanoTime() - t) / 1e9;
    }
    Dataset<Row> scores = perStudent.get(0);
    for (Dataset<Row> more : perStudent.subList(1, perStudent.size())) {
      scores = scores.unionByName(more);
    }
    return new Scored(scores, plans, partitions, seconds);
  }

  private Dataset<Row> withCachedParts(Dataset<Row> canonical, ScoreTask task) throws IOException {
    JobChecks.Cache cache = checked.cache();
    if (cache == null) {
      return canonical;
    }
    Dataset<Row> rows =
        stages.keep(
            IncrementalCache.attachParts(
                spark,
                canonical,
                IncrementalCache.neededParts(task.student().definition()),
                cache.contents(),
                hadoop));
    LOG.info(
        "incremental cache {}: {} rows have stored scores for student {}",
        settings.incremental().cache(),
        rows.filter(col(Fields.CACHED_PARTS).isNotNull()).count(),
        task.student().name());
    return rows;
  }

  private Dataset<Row> scoreStudent(
      Dataset<Row> rows,
      ScoreTask task,
      TokenPartitioning.Plan cut,
      PlanStage.Totals plan,
      long total) {
    LOG.info(
        "scoring with student {} in {} partitions of about {} planned model tokens",
        task.student().name(),
        cut.partitions(),
        Math.round(cut.tokensPerPartition()));
    JavaRDD<Row> partitioned =
        TokenPartitioning.partition(rows, cut, new RowCost(task, rows.schema()));
    ScoreStage.Counters counters = ScoreStage.Counters.register(spark);
    try (ProgressReporter progress =
        new ProgressReporter(
            spark, counters, total, plan.modelTokens(), settings.progress().intervalSeconds())) {
      Dataset<Row> scores =
          stages.keep(ScoreStage.scoreResponses(spark, partitioned, rows.schema(), task, counters));
      long scored = scores.count();
      if (scored != total) {
        throw new JobFailure(
            "scored " + scored + " rows of " + total + " read; nothing was published");
      }
      LOG.info("scoring done: " + progress.line().substring("progress: ".length()));
      return scores;
    }
  }

  /**
   * Fails the run when more of the rows the model ran for are model_error than the config allows.
   */
  private void failOnModelErrors(Dataset<Row> scores, Totals totals) {
    long ran = 0;
    for (RowStatus status : RowStatus.values()) {
      if (status.modelRan()) {
        ran += totals.byStatusNow().getOrDefault(status.code(), 0L);
      }
    }
    long errors = totals.byStatusNow().getOrDefault(RowStatus.MODEL_ERROR.code(), 0L);
    double share = settings.scoring().maxModelErrorShare();
    if (ran > 0 && errors > share * ran) {
      String first =
          scores
              .filter(col(Fields.STATUS).equalTo(RowStatus.MODEL_ERROR.code()))
              .select(Fields.ERROR)
              .first()
              .getString(0);
      throw new JobFailure(
          String.format(
              Locale.ROOT,
              "%d of the %d rows the student scored (%.1f%%) are model_error, above "
                  + "scoring.max-model-error-share = %s; nothing was published. The first: %s",
              errors,
              ran,
              100.0 * errors / ran,
              share,
              first));
    }
  }

  /**
   * A run in which no row has a score (every response blank, every row a duplicate, ...) has
   * nothing to rank or select: it fails, saying how many rows had which status.
   */
  private static void failWhenNothingScored(Totals totals) {
    if (totals.byStatus().getOrDefault(RowStatus.OK.code(), 0L) > 0) {
      return;
    }
    long rows = totals.byStatus().values().stream().mapToLong(Long::longValue).sum();
    StringBuilder statuses = new StringBuilder();
    totals
        .byStatus()
        .forEach(
            (status, n) ->
                statuses
                    .append(statuses.length() == 0 ? "" : ", ")
                    .append(status)
                    .append(' ')
                    .append(n));
    throw new JobFailure(
        "no row could be scored: "
            + rows
            + " rows, by status: "
            + statuses
            + "; nothing was published");
  }

  private Void writeScores(Dataset<Row> scores) throws IOException {
    Dataset<Row> out = scores.drop(ScoreRows.INTERNAL.toArray(new String[0]));
    if (!settings.output().stepScores()) {
      out = out.drop(ScoreRows.STEP_COLUMNS.toArray(new String[0]));
    }
    Tables.write(out, outputs, "scores");
    return null;
  }

  private List<TeacherSummary> writeTeachers(Dataset<Row> scores) throws IOException {
    List<TeacherSummary> teachers =
        TeacherStage.aggregateTeachers(scores, settings.teachers(), windows());
    Tables.write(TeacherRows.table(spark, teachers), outputs, "teachers");
    return teachers;
  }

  private long writeSelection(Dataset<Row> selected) throws IOException {
    long rows = selected.count();
    Tables.write(SelectStage.forWriting(selected, rows, 200_000), outputs, "selected");
    return rows;
  }

  private List<String> windows() {
    return settings.scoring().metrics().contains(dev.naturalness.scoring.Metric.LALP)
        ? settings.scoring().windows().stream().map(WindowRule::spec).toList()
        : List.of();
  }

  /** Every count in one pass over the scores, then the summary's other parts. */
  private RunSummary summary(
      Corpus corpus,
      Scored scored,
      Totals totals,
      Selection selection,
      List<TeacherSummary> teachers,
      PreviousRun.Comparison since) {
    long scoreRows = totals.byStatus().values().stream().mapToLong(Long::longValue).sum();
    long ok = totals.byStatus().getOrDefault(RowStatus.OK.code(), 0L);
    RunSummary.Counts counts =
        new RunSummary.Counts(
            corpus.rows(),
            scoreRows,
            ok,
            scoreRows - ok,
            selection.written(),
            totals.byStatus(),
            totals.scoredNow(),
            totals.reused(),
            corpus.duplicateIdsWithOtherText(),
            corpus.correctUnrecognized());
    List<RunSummary.Student> students = students();
    return new RunSummary(
        counts,
        stages.seconds(),
        new RunSummary.Tokens(totals.responseTokens(), totals.modelTokens()),
        scored.seconds() > 0 ? Math.round(totals.modelTokens() / scored.seconds()) : 0,
        students,
        students.get(0).configHash(),
        scored.partitions(),
        started.toString(),
        Instant.now().toString(),
        secondsSince(started),
        scored.plans(),
        selection.composition(),
        lengths(scored.scores()),
        matrix(teachers),
        since.students(),
        since.skipped(),
        Memory.driver(),
        Map.of(),
        config());
  }

  /** Rows per status, tokens, and rows scored now or reused, in one pass over the scores. */
  private record Totals(
      Map<String, Long> byStatus,
      Map<String, Long> byStatusNow,
      long responseTokens,
      long modelTokens,
      long scoredNow,
      long reused) {}

  private static Totals totals(Dataset<Row> scores) {
    Map<String, Long> byStatus = new TreeMap<>();
    Map<String, Long> byStatusNow = new TreeMap<>();
    long responseTokens = 0;
    long modelTokens = 0;
    long scoredNow = 0;
    long reused = 0;
    for (Row r :
        scores
            .groupBy(Fields.STATUS)
            .agg(
                count("*"),
                sum(col(Fields.N_TOKENS)).cast("long"),
                sum(col(Fields.MODEL_TOKENS)).cast("long"),
                sum(when(col(Fields.REUSED).equalTo(false), 1).otherwise(0)).cast("long"),
                sum(when(col(Fields.REUSED), 1).otherwise(0)).cast("long"))
            .collectAsList()) {
      byStatus.put(r.getString(0), r.getLong(1));
      byStatusNow.put(r.getString(0), r.getLong(4));
      responseTokens += r.isNullAt(2) ? 0 : r.getLong(2);
      modelTokens += r.isNullAt(3) ? 0 : r.getLong(3);
      if (RowStatus.OK.code().equals(r.getString(0))) {
        scoredNow += r.getLong(4);
      }
      reused += r.getLong(5);
    }
    return new Totals(byStatus, byStatusNow, responseTokens, modelTokens, scoredNow, reused);
  }

  private List<RunSummary.Student> students() {
    List<RunSummary.Student> students = new ArrayList<>();
    for (Students.Prepared s : checked.students()) {
      students.add(
          new RunSummary.Student(
              s.spec().name(),
              s.spec().source(),
              s.manifest().modelSha256(),
              s.spec().definition().maxTokens(),
              s.spec().definition().hash()));
    }
    return students;
  }

  /**
   * Per student, how LALP and GALP follow response length and mean step length over all scored
   * rows.
   */
  private static List<RunSummary.Lengths> lengths(Dataset<Row> scores) {
    List<RunSummary.Lengths> out = new ArrayList<>();
    var stepChars = col(Fields.RESPONSE_CHARS).divide(col(Fields.N_STEPS));
    for (Row r :
        scores
            .filter(col(Fields.STATUS).equalTo(RowStatus.OK.code()))
            .groupBy(Fields.STUDENT)
            .agg(
                corr(col(Fields.LALP), col(Fields.RESPONSE_CHARS)),
                corr(col(Fields.LALP), stepChars),
                corr(col(Fields.GALP), col(Fields.RESPONSE_CHARS)),
                corr(col(Fields.GALP), stepChars))
            .orderBy(Fields.STUDENT)
            .collectAsList()) {
      out.add(
          new RunSummary.Lengths(
              r.getString(0), value(r, 1), value(r, 2), value(r, 3), value(r, 4)));
    }
    return out;
  }

  private static Double value(Row r, int i) {
    return r.isNullAt(i) || Double.isNaN(r.getDouble(i)) ? null : r.getDouble(i);
  }

  private static Map<String, Map<String, RunSummary.Cell>> matrix(List<TeacherSummary> teachers) {
    Map<String, Map<String, RunSummary.Cell>> out = new LinkedHashMap<>();
    for (TeacherSummary t : teachers) {
      out.computeIfAbsent(t.teacher(), k -> new LinkedHashMap<>())
          .put(t.student(), new RunSummary.Cell(t.lalp().mean(), t.lalp().rank()));
    }
    return out;
  }

  private JsonNode config() {
    try {
      return new ObjectMapper().readTree(settings.resolvedJson());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * summary.json last, whole; then the pointer, so readers that follow it only ever see finished
   * runs.
   */
  private Void publish(RunSummary summary) throws IOException {
    if (settings.testing().failBeforePublish()) {
      throw new JobFailure("testing.fail-before-publish: the run stops before it publishes");
    }
    lock.checkStillOurs();
    outputs.publishReport(summary.toJson());
    outputs.writeText(Outputs.SUMMARY, summary.toJson());
    if (!settings.output().publishPointer().isEmpty()) {
      Outputs.writeFile(
          settings.output().publishPointer(), settings.output().path() + "\n", hadoop);
    }
    return null;
  }

  static double secondsSince(Instant start) {
    return (Instant.now().toEpochMilli() - start.toEpochMilli()) / 1000.0;
  }
}
