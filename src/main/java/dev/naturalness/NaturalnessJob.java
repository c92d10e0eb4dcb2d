package dev.naturalness;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.config.ConfigError;
import dev.naturalness.config.Settings;
import dev.naturalness.config.SettingsLoader;
import dev.naturalness.model.BatchBudget;
import dev.naturalness.model.RuntimeEnvironment;
import dev.naturalness.model.StudentException;
import dev.naturalness.model.StudentManifest;
import dev.naturalness.report.Leaderboard;
import dev.naturalness.report.RunSummary;
import dev.naturalness.scoring.ScoringOptions;
import dev.naturalness.spark.CorpusReader;
import dev.naturalness.spark.Fields;
import dev.naturalness.spark.IncrementalCache;
import dev.naturalness.spark.InputPreflight;
import dev.naturalness.spark.Outputs;
import dev.naturalness.spark.ProgressReporter;
import dev.naturalness.spark.ReportStage;
import dev.naturalness.spark.ScoreContext;
import dev.naturalness.spark.ScoreStage;
import dev.naturalness.spark.SelectStage;
import dev.naturalness.spark.Status;
import dev.naturalness.spark.TeacherStage;
import dev.naturalness.spark.TokenPartitioning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.executor.ExecutorMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.status.api.v1.ExecutorSummary;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * The job: settings -> checks -> read -> partition -> score -> teachers -> select -> summary.
 * Everything that can be wrong with the config, the student or the input is found before Spark
 * starts, and reported in one line with exit code 2.
 */
public final class NaturalnessJob {
  private static final Logger LOG = LoggerFactory.getLogger(NaturalnessJob.class);
  public static final int EXIT_CONFIG = 2;

  /** What the checks before Spark found. */
  public record Checked(
      Settings.Job settings,
      StudentManifest student,
      InputPreflight.Found input,
      ScoreContext context) {}

  /** What a run produced. */
  public record Result(RunSummary summary, List<Row> teachers, String outputPath) {}

  private NaturalnessJob() {}

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  public static int run(String[] args) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Checked checked;
    try {
      checked = check(SettingsLoader.fromArgs(args), new Configuration());
    } catch (ConfigError | StudentException e) {
      System.err.println("naturalness: " + e.getMessage());
      return EXIT_CONFIG;
    }
    SparkSession spark = session(checked.settings());
    try {
      Result result = runPipeline(spark, checked);
      System.out.println();
      System.out.println(
          "Teacher leaderboard (student " + checked.student().name() + ", ranked by mean LALP):");
      System.out.print(Leaderboard.format(result.teachers()));
      System.out.println();
      System.out.println(
          "Outputs in "
              + result.outputPath()
              + ": scores/ teachers/ selected/ summary.json report.html");
      return 0;
    } catch (ConfigError e) {
      System.err.println("naturalness: " + e.getMessage());
      return EXIT_CONFIG;
    } finally {
      spark.stop();
    }
  }

  /**
   * The checks before Spark: student directory and sha256, input files and columns, output
   * directory.
   */
  public static Checked check(Settings.Job settings, Configuration hadoop) {
    settings.s3().applyTo(hadoop);
    StudentManifest student = StudentManifest.read(Path.of(settings.student().path()));
    student.verifyModelSha256();
    InputPreflight.Found input = InputPreflight.check(settings.input(), hadoop);
    Settings.Scoring s = settings.scoring();
    int maxTokens =
        settings.student().maxTokens() > 0 ? settings.student().maxTokens() : student.maxTokens();
    ScoringOptions options =
        new ScoringOptions(
            s.window(),
            s.includePrompt(),
            maxTokens,
            s.lalp(),
            s.galp(),
            s.batchTokens() > 0 ? s.batchTokens() : BatchBudget.CPU_TOKENS,
            s.rowTokens(),
            s.pack(),
            true);
    String hash = configHash(student, s, maxTokens);
    ScoreContext context =
        new ScoreContext(
            settings.student(),
            s,
            options,
            s.segmenter(),
            settings.output().stepScores(),
            student.name(),
            hash,
            settings.testing().failFirstAttempt(),
            settings.testing().failEveryAttempt());
    new Outputs(settings.output().path(), settings.output().format(), hadoop)
        .claim("{\"started\": \"" + Instant.now() + "\", \"config_hash\": \"" + hash + "\"}\n");
    return new Checked(settings, student, input, context);
  }

  static SparkSession session(Settings.Job job) {
    Settings.Spark settings = job.spark();
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName(settings.appName());
    if (!conf.contains("spark.master")) {
      builder.master(settings.defaultMaster());
    }
    job.s3().hadoopSettings().forEach((k, v) -> builder.config("spark.hadoop." + k, v));
    // Executors must never try to download libtorch or phone home, and need the allocator settings.
    String executorOptions = conf.get("spark.executor.extraJavaOptions", "");
    for (String option : RuntimeEnvironment.systemPropertyOptions()) {
      if (!executorOptions.contains(option.substring(0, option.indexOf('=') + 1))) {
        executorOptions = (executorOptions + " " + option).trim();
      }
    }
    builder.config("spark.executor.extraJavaOptions", executorOptions);
    RuntimeEnvironment.environment()
        .forEach(
            (name, value) -> {
              if (!conf.contains("spark.executorEnv." + name)) {
                builder.config("spark.executorEnv." + name, value);
              }
            });
    return builder.getOrCreate();
  }

  /**
   * Runs every stage on an existing session and writes the outputs; summary.json is written last.
   */
  public static Result runPipeline(SparkSession spark, Checked checked) {
    Settings.Job settings = checked.settings();
    RunSummary summary = new RunSummary();
    Instant started = Instant.now();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    settings.s3().applyTo(hadoop);
    useCommitter(spark, settings);
    Outputs outputs = new Outputs(settings.output().path(), settings.output().format(), hadoop);

    long t = System.nanoTime();
    Dataset<Row> input = CorpusReader.readCorpus(spark, settings.input(), checked.input().format());
    Dataset<Row> canonical =
        CorpusReader.canonicalRows(input, settings.input().columns())
            .persist(StorageLevel.MEMORY_AND_DISK());
    long rowsRead = canonical.count();
    summary.stage("read", seconds(t));
    LOG.info(
        "read {} rows from {} ({})", rowsRead, settings.input().path(), checked.input().format());

    // With an incremental cache, rows already scored with this student and these settings are
    // reused.
    IncrementalCache cache =
        settings.incremental().cache().isEmpty()
            ? null
            : new IncrementalCache(settings.incremental().cache(), hadoop);
    Dataset<Row> toScore = canonical;
    Dataset<Row> reused = null;
    long reusedRows = 0;
    if (cache != null) {
      Dataset<Row> cached;
      try {
        cached = cache.cachedScores(spark, checked.context().configHash());
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot read incremental.cache "
                + settings.incremental().cache()
                + ": "
                + e.getMessage(),
            e);
      }
      if (cached != null) {
        Dataset<Row>[] parts = IncrementalCache.split(canonical, cached, checked.student().name());
        reused = parts[0].persist(StorageLevel.MEMORY_AND_DISK());
        reusedRows = reused.count();
        toScore = parts[1];
      }
      LOG.info("incremental cache {}: {} rows reused", settings.incremental().cache(), reusedRows);
    }

    t = System.nanoTime();
    TokenPartitioning.Plan plan =
        TokenPartitioning.plan(
            toScore,
            settings.partition().tokensPerPartition(),
            settings.partition().minPartitions() > 0
                ? settings.partition().minPartitions()
                : spark.sparkContext().defaultParallelism());
    JavaRDD<Row> partitioned = TokenPartitioning.partition(toScore, plan);
    summary.stage("partition", seconds(t));
    LOG.info(
        "scoring in {} partitions of about {} estimated tokens",
        plan.partitions(),
        Math.round(plan.tokensPerPartition()));

    t = System.nanoTime();
    ScoreStage.Counters counters = ScoreStage.Counters.register(spark);
    Dataset<Row> scores;
    try (ProgressReporter progress =
        new ProgressReporter(
            spark, counters, rowsRead - reusedRows, settings.progress().intervalSeconds())) {
      scores =
          ScoreStage.scoreResponses(
              spark, partitioned, canonical.schema(), checked.context(), counters);
      if (reused != null) {
        scores = scores.unionByName(reused);
      }
      scores = scores.persist(StorageLevel.MEMORY_AND_DISK());
      long scored = scores.count();
      if (scored != rowsRead) {
        throw new IllegalStateException("scored " + scored + " rows of " + rowsRead + " read");
      }
      LOG.info("scoring done: " + progress.line().substring("progress: ".length()));
    }
    if (reused != null) {
      reused.unpersist();
    }
    double scoreSeconds = seconds(t);
    summary.stage("score", scoreSeconds);

    t = System.nanoTime();
    Dataset<Row> scoresOut = scores.drop(ScoreStage.INTERNAL.toArray(new String[0]));
    if (!settings.output().stepScores()) {
      scoresOut = scoresOut.drop(Fields.STEP_SCORES);
    }
    outputs.writeTable(scoresOut, "scores");
    summary.stage("write_scores", seconds(t));

    t = System.nanoTime();
    Dataset<Row> teachers = TeacherStage.aggregateTeachers(spark, scores, settings.teachers());
    List<Row> teacherRows = teachers.collectAsList();
    outputs.writeTable(teachers, "teachers");
    summary.stage("teachers", seconds(t));

    t = System.nanoTime();
    Dataset<Row> selected =
        SelectStage.selectResponses(scores, input, settings.select(), settings.input().columns())
            .persist(StorageLevel.MEMORY_AND_DISK());
    long selectedRows = selected.count();
    outputs.writeTable(SelectStage.forWriting(selected, selectedRows, 200_000), "selected");
    summary.stage("select", seconds(t));

    // Every count in one pass: per status, its rows, their tokens and how many were scored in this
    // run.
    Map<String, Long> byStatus = new TreeMap<>();
    long responseTokens = 0;
    long modelTokens = 0;
    long scoredNow = 0;
    for (Row r :
        scores
            .groupBy(Fields.STATUS)
            .agg(
                count("*"),
                sum(col(Fields.N_TOKENS)).cast("long"),
                sum(col(Fields.MODEL_TOKENS)).cast("long"),
                sum(when(col(Fields.REUSED).equalTo(false), 1).otherwise(0)).cast("long"))
            .collectAsList()) {
      String status = r.getString(0);
      byStatus.put(status, r.getLong(1));
      responseTokens += r.isNullAt(2) ? 0 : r.getLong(2);
      modelTokens += r.isNullAt(3) ? 0 : r.getLong(3);
      if (List.of(Status.OK, Status.UNSCORABLE, Status.MODEL_ERROR).contains(status)) {
        scoredNow += r.getLong(4);
      }
    }
    long ok = byStatus.getOrDefault(Status.OK, 0L);
    summary
        .count("read", rowsRead)
        .count("scored", ok)
        .count("errored", rowsRead - ok)
        .count("selected", selectedRows)
        .count("by_status", byStatus)
        .count("scored_now", scoredNow)
        .count("reused", reusedRows);
    summary.put("tokens", Map.of("response", responseTokens, "model", modelTokens));
    summary.put("tokens_per_second", scoreSeconds > 0 ? Math.round(modelTokens / scoreSeconds) : 0);
    summary.put(
        "student",
        Map.of(
            "name",
            checked.student().name(),
            "path",
            checked.student().directory(),
            "model_sha256",
            checked.student().modelSha256(),
            "max_tokens",
            checked.context().options().maxTokens()));
    summary.put("config_hash", checked.context().configHash());
    summary.put("partitions", plan.partitions());
    summary.put("started", started.toString());
    summary.put("finished", Instant.now().toString());
    summary.put("wall_seconds", secondsSince(started));
    summary.put("config", parseJson(settings.resolvedJson()));
    t = System.nanoTime();
    try {
      ReportStage.writeReport(
          scores,
          rowsRead,
          canonical,
          selected.drop("_prompt_id"),
          selectedRows,
          teacherRows,
          summary.asMap(),
          settings,
          outputs);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write the report under " + settings.output().path() + ": " + e.getMessage(), e);
    }
    summary.stage("report", seconds(t));
    if (cache != null) {
      t = System.nanoTime();
      try {
        cache.update(
            spark, scores, checked.context().configHash(), String.valueOf(started.toEpochMilli()));
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot write incremental.cache "
                + settings.incremental().cache()
                + ": "
                + e.getMessage(),
            e);
      }
      summary.stage("cache", seconds(t));
    }
    selected.unpersist();
    canonical.unpersist();
    scores.unpersist();
    // The report shows the wall time up to its own stage; summary.json has the whole run's.
    summary.put("wall_seconds", secondsSince(started));
    summary.put("driver_memory_mb", driverMemory());
    summary.put("executor_memory_mb", executorMemory(spark));
    try {
      outputs.writeText(Outputs.SUMMARY, summary.toJson());
      if (!settings.output().publishPointer().isEmpty()) {
        // Readers that follow the pointer only ever see finished runs.
        Outputs.writeFile(
            settings.output().publishPointer(), settings.output().path() + "\n", hadoop);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write " + outputs.path(Outputs.SUMMARY) + ": " + e.getMessage(), e);
    }
    return new Result(summary, teacherRows, settings.output().path());
  }

  /**
   * The driver's heap limit and its peak resident memory (VmHWM, where /proc exists). In local mode
   * the executor is this JVM; its sampled heap peak is in executor_memory_mb.
   */
  static Map<String, Object> driverMemory() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("heap_max", Runtime.getRuntime().maxMemory() >> 20);
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          m.put("rss_peak", Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the heap limit alone
    }
    return m;
  }

  /**
   * The largest peak over all executors (the driver included) of the used JVM heap, garbage
   * included, and of the process's resident memory where Spark measures it
   * (spark.executor.processTreeMetrics.enabled): the metrics executors send with their heartbeats.
   */
  static Map<String, Object> executorMemory(SparkSession spark) {
    long heap = 0;
    long rss = 0;
    int executors = 0;
    for (ExecutorSummary e :
        JavaConverters.seqAsJavaList(spark.sparkContext().statusStore().executorList(false))) {
      executors++;
      if (e.peakMemoryMetrics().isDefined()) {
        ExecutorMetrics metrics = e.peakMemoryMetrics().get();
        heap = Math.max(heap, metrics.getMetricValue("JVMHeapMemory"));
        rss = Math.max(rss, metrics.getMetricValue("ProcessTreeJVMRSSMemory"));
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("executors", executors);
    m.put("heap_peak", heap >> 20);
    if (rss > 0) {
      m.put("rss_peak", rss >> 20);
    }
    return m;
  }

  /**
   * Tables under s3a:// are committed by S3A's committer (magic or directory: nothing is visible
   * until the job commits), through spark-hadoop-cloud's PathOutputCommitProtocol.
   */
  static void useCommitter(SparkSession spark, Settings.Job settings) {
    boolean s3 =
        settings.output().path().startsWith("s3a://") && !settings.s3().committer().equals("none");
    String[][] sqlSettings = {
      {
        "spark.sql.sources.commitProtocolClass",
        "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol"
      },
      {
        "spark.sql.parquet.output.committer.class",
        "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter"
      }
    };
    for (String[] kv : sqlSettings) {
      if (s3) {
        spark.conf().set(kv[0], kv[1]);
      } else if (kv[1].equals(spark.conf().get(kv[0], null))) {
        spark.conf().unset(kv[0]);
      }
    }
  }

  private static Object parseJson(String json) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Object.class);
    } catch (IOException e) {
      return json;
    }
  }

  private static double secondsSince(Instant start) {
    return (Instant.now().toEpochMilli() - start.toEpochMilli()) / 1000.0;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Identifies the scores: the same student and the same scoring settings give the same hash. */
  static String configHash(StudentManifest student, Settings.Scoring s, int maxTokens) {
    String key =
        String.join(
            "|",
            student.modelSha256(),
            s.segmenter(),
            s.window().toString(),
            String.valueOf(s.includePrompt()),
            String.valueOf(maxTokens),
            String.valueOf(s.lalp()),
            String.valueOf(s.galp()),
            student.promptTemplate(),
            String.valueOf(student.bosId()));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
