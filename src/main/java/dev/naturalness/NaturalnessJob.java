package dev.naturalness;

import dev.naturalness.checks.JobChecks;
import dev.naturalness.checks.StudentChecks;
import dev.naturalness.config.CommandLine;
import dev.naturalness.config.ConfigError;
import dev.naturalness.config.ConfigKeys;
import dev.naturalness.config.Settings;
import dev.naturalness.config.SettingsLoader;
import dev.naturalness.model.RuntimeEnvironment;
import dev.naturalness.model.StudentException;
import dev.naturalness.model.StudentSpec;
import dev.naturalness.output.JobFailure;
import dev.naturalness.output.Outputs;
import dev.naturalness.output.RunLock;
import dev.naturalness.report.CostPlans;
import dev.naturalness.report.LabelledSelectionSection;
import dev.naturalness.report.Leaderboard;
import dev.naturalness.spark.Pipeline;
import dev.naturalness.spark.ShippedStudents;
import dev.naturalness.spark.SignalStop;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job: settings -> checks -> claim the output -> Spark -> the pipeline (read, reuse cached,
 * plan, partition, score, write scores, teachers, select, compare, report, update cache, publish)
 * or, with --plan-only, the plan alone. Everything that can be wrong with the config, a student,
 * the input or the output is found before Spark starts, and reported in one line with exit code 2;
 * a run that cannot be right stops with one line and exit code 1, publishing nothing.
 */
public final class NaturalnessJob {
  private static final Logger LOG = LoggerFactory.getLogger(NaturalnessJob.class);
  public static final int EXIT_CONFIG = 2;
  public static final int EXIT_FAILED = 1;

  /** The first argument that makes the job print what it reads from its arguments, and stop. */
  public static final String PRINT_SETTINGS = "--print-settings";

  /**
   * The first argument that makes the job check its paths for a driver in the cluster, and stop.
   */
  public static final String CHECK_CLUSTER_DRIVER = "--check-cluster-driver";

  private NaturalnessJob() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(CommandLine.withEnvironment(args, System.getenv(CommandLine.ENVIRONMENT)));
    } catch (ConfigError e) {
      System.err.println("naturalness: " + e.getMessage());
      code = EXIT_CONFIG;
    }
    if (code != 0) {
      System.exit(code);
    }
  }

  public static int run(String[] args) {
    if (args.length > 0 && args[0].equals(PRINT_SETTINGS)) {
      return printSettings(Arrays.copyOfRange(args, 1, args.length));
    }
    if (args.length > 0 && args[0].equals(CHECK_CLUSTER_DRIVER)) {
      return checkClusterDriver(Arrays.copyOfRange(args, 1, args.length));
    }
    JobChecks.Checked checked;
    RunLock lock;
    try {
      checked = JobChecks.check(SettingsLoader.fromArgs(args), new Configuration());
      lock = claimOutput(checked);
    } catch (ConfigError | StudentException e) {
      System.err.println("naturalness: " + e.getMessage());
      return EXIT_CONFIG;
    }
    SparkSession spark = null;
    SignalStop signal = SignalStop.watch();
    try (lock;
        signal) {
      spark = session(checked);
      Pipeline.Result result = Pipeline.run(spark, checked, lock);
      System.out.println();
      if (checked.settings().plan().only()) {
        System.out.print(CostPlans.format(result.plans()));
        System.out.println("Plan in " + checked.settings().output().path() + "/" + CostPlans.PLAN);
      } else {
        System.out.print(Leaderboard.format(result.teachers()));
        System.out.print(LabelledSelectionSection.console(result.summary().selectionVsLabels()));
        System.out.println(
            "Outputs in "
                + result.outputPath()
                + ": scores/ teachers/ selected/ summary.json report.html");
      }
      return 0;
    } catch (JobFailure e) {
      say(signal, "naturalness: " + e.getMessage());
      return EXIT_FAILED;
    } catch (ConfigError | StudentException e) {
      say(signal, "naturalness: " + e.getMessage());
      return EXIT_CONFIG;
    } catch (RuntimeException | Error e) {
      // Anything else, wherever it happened after the checks: one line, and nothing published
      // (summary.json, the only mark of a finished run, is written last).
      LOG.debug("the run failed", e);
      say(
          signal,
          "naturalness: the run failed: " + JobFailure.rootCause(e) + "; nothing was published");
      return EXIT_FAILED;
    } finally {
      if (spark != null) {
        stop(spark);
      }
    }
  }

  /** A failed run's line, unless a signal stopped it (which said its own line). */
  private static void say(SignalStop signal, String line) {
    if (!signal.stopped()) {
      System.err.println(line);
    }
  }

  /** Stops Spark; a failure to stop (a full disk again) does not replace the run's own line. */
  private static void stop(SparkSession spark) {
    try {
      spark.stop();
    } catch (RuntimeException e) {
      LOG.warn("Spark did not stop cleanly: {}", JobFailure.rootCause(e));
    }
  }

  /**
   * Prints each key the arguments set and the value the job reads for it (what a launcher's
   * --dry-run shows), checking nothing else.
   */
  static int printSettings(String[] args) {
    try {
      CommandLine.shownValues(args).forEach(System.out::println);
      return 0;
    } catch (ConfigError e) {
      System.err.println("naturalness: " + e.getMessage());
      return EXIT_CONFIG;
    }
  }

  /**
   * Whether a driver on a cluster node could read every path the arguments name: refuses, in one
   * line, a path of this machine's file system (a launcher checks before it submits in cluster
   * deploy mode).
   */
  static int checkClusterDriver(String[] args) {
    try {
      Settings.Job settings = SettingsLoader.fromArgs(args);
      if (settings.s3().accessKey() != null) {
        System.err.println(
            "naturalness: S3 keys are set (s3.access-key and s3.secret-key, "
                + (System.getenv(ConfigKeys.secretVariable("s3.access-key")) != null
                    ? "from this machine's environment"
                    : "by --set or a --config file")
                + "); in cluster deploy mode they would travel in the clear to the driver's node (its"
                + " command line, the files it is sent, YARN's launch context): use"
                + " s3.credential-providers (a Hadoop credential store on HDFS), the cluster's"
                + " instance roles, or --deploy-mode client");
        return EXIT_CONFIG;
      }
      for (String problem : settings.localPaths()) {
        System.err.println(
            "naturalness: "
                + problem
                + " is a path of this machine; in cluster deploy mode the driver runs on a cluster"
                + " node and cannot read it: use hdfs://, s3a:// or a path every node has under"
                + " file:, or --deploy-mode client");
        return EXIT_CONFIG;
      }
      return 0;
    } catch (ConfigError e) {
      System.err.println("naturalness: " + e.getMessage());
      return EXIT_CONFIG;
    }
  }

  /**
   * Claims the output directory for this run (its lock, then its marker; a scoring run removes what
   * an earlier run left for readers) and, for a run that will write it, the incremental cache's
   * directory.
   */
  public static RunLock claimOutput(JobChecks.Checked checked) {
    Settings.Job settings = checked.settings();
    Configuration hadoop = new Configuration();
    settings.s3().applyTo(hadoop);
    Outputs outputs = new Outputs(settings.output().path(), settings.output().format(), hadoop);
    String hash = checked.students().get(0).spec().definition().hash();
    boolean planOnly = settings.plan().only();
    RunLock lock = outputs.claim(checked.runId(), checked.started().toString(), hash, !planOnly);
    if (!planOnly && checked.cache() != null) {
      try {
        checked.cache().directory().claim(checked.runId());
      } catch (RuntimeException e) {
        lock.close();
        throw e;
      }
    }
    return lock;
  }

  /**
   * Runs the checks, claims the output and runs the pipeline on an existing session (tests,
   * benchmarks).
   */
  public static Pipeline.Result runOn(SparkSession spark, Settings.Job settings) {
    JobChecks.Checked checked =
        JobChecks.check(settings, spark.sparkContext().hadoopConfiguration());
    try (RunLock lock = claimOutput(checked)) {
      ShippedStudents.ship(
          spark.sparkContext(),
          checked.students().stream().map(StudentChecks.Prepared::spec).toList());
      return Pipeline.run(spark, checked, lock);
    }
  }

  /**
   * The executors' Java options: the user's, and the job's system properties where the user set
   * none of the same name (executors must never try to download libtorch or phone home).
   */
  static String executorJavaOptions(SparkConf conf) {
    String executorOptions = conf.get("spark.executor.extraJavaOptions", "");
    for (String option : RuntimeEnvironment.systemPropertyOptions()) {
      if (!executorOptions.contains(option.substring(0, option.indexOf('=') + 1))) {
        executorOptions = (executorOptions + " " + option).trim();
      }
    }
    return executorOptions;
  }

  static SparkSession session(JobChecks.Checked checked) {
    Settings.Job job = checked.settings();
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName(job.spark().appName());
    if (!conf.contains("spark.master")) {
      builder.master(job.spark().defaultMaster());
    }
    job.s3().hadoopSettings().forEach((k, v) -> builder.config("spark.hadoop." + k, v));
    builder.config("spark.executor.extraJavaOptions", executorJavaOptions(conf));
    RuntimeEnvironment.environment()
        .forEach(
            (name, value) -> {
              if (!conf.contains("spark.executorEnv." + name)) {
                builder.config("spark.executorEnv." + name, value);
              }
            });
    // Running tasks report their progress with each heartbeat: at least two per progress line.
    if (!conf.contains("spark.executor.heartbeatInterval")) {
      double seconds = Math.max(1, Math.min(10, job.progress().intervalSeconds() / 2));
      builder.config(
          "spark.executor.heartbeatInterval",
          String.format(Locale.ROOT, "%dms", (long) (seconds * 1000)));
    }
    if (!job.spark().eventLog().isEmpty() && !conf.contains("spark.eventLog.enabled")) {
      builder
          .config("spark.eventLog.enabled", "true")
          .config("spark.eventLog.dir", job.spark().eventLog());
    }
    SparkSession spark = builder.getOrCreate();
    List<StudentSpec> specs =
        checked.students().stream().map(StudentChecks.Prepared::spec).toList();
    ShippedStudents.ship(spark.sparkContext(), specs);
    return spark;
  }
}
