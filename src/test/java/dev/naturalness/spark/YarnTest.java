package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.naturalness.DemoStudent;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The job on YARN, the default of the cluster scripts: a mini YARN cluster with HDFS on this
 * machine (a ResourceManager, two NodeManagers that start each container as a process of its own, a
 * NameNode and a DataNode: src/test/scripts/yarn-cluster.sh), the job submitted through
 * submit/spark-submit.sh --master yarn in client and cluster deploy mode, the corpus, the student
 * and the output on HDFS. Every run's scores/, teachers/ and selected/ are held to one local-mode
 * run of the same corpus; a container is killed by its JVM's process id, found by the container ids
 * its command line names.
 */
@Slow
// In a random order (JUnit logs the seed): each test brings what it needs.
@TestMethodOrder(MethodOrderer.Random.class)
class YarnTest extends SparkTestBase {
  static final Path DIR = Path.of("target", "test-yarn").toAbsolutePath();
  static final Path SCRIPT = Path.of("src/test/scripts/yarn-cluster.sh");
  static final int ROWS = 80;
  static final long STARTED = System.nanoTime();
  static String hdfs;
  static List<String> logDirs;
  static Path conf;
  static Path appJar;
  static Path corpus;
  static Reference reference;

  /** A run's outputs as compared: scores, each teacher's figures, the selection. */
  record Reference(
      Map<String, String> scores, Map<String, String> teachers, Map<String, String> selected) {}

  @BeforeAll
  static void startCluster() throws Exception {
    long t = System.nanoTime();
    Processes.Outcome started = TestClusters.startFresh(SCRIPT, DIR, Duration.ofMinutes(4));
    conf = Path.of(started.stdout().strip().lines().reduce((a, b) -> b).orElseThrow());
    Map<String, String> ready = new HashMap<>();
    for (String line : Files.readAllLines(DIR.resolve("ready"))) {
      ready.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
    }
    hdfs = ready.get("hdfs");
    logDirs = List.of(ready.get("logs").split(","));
    System.out.printf(
        Locale.ROOT,
        "yarn: ResourceManager, 2 NodeManagers and HDFS up in %.1f s (%s)%n",
        (System.nanoTime() - t) / 1e9,
        hdfs);
    appJar = TestClusters.applicationJar(DIR.resolve("naturalness-app.jar"));
    corpus = Corpora.writeJsonLines(DIR, "corpus.jsonl", Corpora.demoSlice(ROWS));
    try (FileSystem fs = FileSystem.newInstance(URI.create(hdfs), new Configuration())) {
      fs.copyFromLocalFile(
          new org.apache.hadoop.fs.Path(corpus.toString()),
          new org.apache.hadoop.fs.Path("/data/corpus.jsonl"));
      fs.copyFromLocalFile(
          new org.apache.hadoop.fs.Path(DemoStudent.DIR.toAbsolutePath().toString()),
          new org.apache.hadoop.fs.Path("/students/demo"));
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    Processes.command("bash", SCRIPT.toString(), "stop", DIR.toString()).run(Duration.ofMinutes(1));
    System.out.printf(
        Locale.ROOT, "yarn tests: %.0f s in all%n", (System.nanoTime() - STARTED) / 1e9);
  }

  /** The job submitted to YARN as users submit it. */
  static Processes.Command submit(String deployMode, String... args) {
    return Processes.command(
            "submit/spark-submit.sh", "--master", "yarn", "--deploy-mode", deployMode)
        .args(args)
        .env("HADOOP_CONF_DIR", conf.toString())
        .env("SPARK_HOME", DIR.resolve("spark-home").toString())
        .env("NATURALNESS_APP_JAR", appJar.toString())
        .env("NATURALNESS_EXECUTORS", "2")
        .env("NATURALNESS_EXECUTOR_MEMORY", "1g")
        .env("NATURALNESS_EXECUTOR_OVERHEAD", "1g")
        .env("NATURALNESS_DRIVER_MEMORY", "1g")
        .env("NATURALNESS_CLASSPATH", System.getProperty("java.class.path"))
        .unsetEnv("NATURALNESS_S3_ACCESS_KEY")
        .unsetEnv("NATURALNESS_S3_SECRET_KEY");
  }

  static String[] job(String output, String student, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--set",
                "input.path=" + hdfs + "/data/corpus.jsonl",
                "--set",
                "output.path=" + hdfs + output,
                "--set",
                "student.path=" + student,
                "--set",
                "teachers.bootstrap-samples=100",
                "--set",
                "progress.interval-seconds=1"));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  /** scores/, teachers/ and selected/ of a run, as strings to compare exactly. */
  Reference read(String run) {
    Map<String, String> scores = new TreeMap<>();
    for (Row r : spark().read().parquet(run + "/scores").collectAsList()) {
      scores.put(
          r.getAs("response_id"),
          String.format(
              Locale.ROOT,
              "%s %.6f %.6f %s",
              r.getAs("status"),
              (Double) r.getAs("lalp"),
              (Double) r.getAs("galp"),
              r.getAs("n_steps")));
    }
    Map<String, String> teachers = new TreeMap<>();
    for (Row r : spark().read().parquet(run + "/teachers").collectAsList()) {
      teachers.put(
          r.getAs("teacher"),
          String.format(
              Locale.ROOT,
              "rank %s mean %.6f win %.4f galp %.6f",
              r.getAs("lalp_rank"),
              (Double) r.getAs("lalp_mean"),
              (Double) r.getAs("lalp_win_rate"),
              (Double) r.getAs("galp_mean")));
    }
    Map<String, String> selected = new TreeMap<>();
    for (Row r : spark().read().parquet(run + "/selected").collectAsList()) {
      selected.put(r.getAs("prompt_id"), r.getAs("response_id"));
    }
    return new Reference(scores, teachers, selected);
  }

  Reference reference() {
    if (reference == null) {
      Path out = DIR.resolve("local-reference");
      JobRunner.run(spark(), corpus, out, "teachers.bootstrap-samples=100");
      reference = read(out.toString());
    }
    return reference;
  }

  /**
   * A YARN run equals the local run: every response's status, LALP and GALP (to 1e-6), every
   * teacher's rank, mean and win rate, and the response selected for every prompt.
   */
  void assertAsLocalMode(String run) {
    Reference got = read(hdfs + run);
    Reference local = reference();
    assertEquals(local.scores(), got.scores(), "scores/");
    assertEquals(local.teachers(), got.teachers(), "teachers/");
    assertEquals(local.selected(), got.selected(), "selected/");
    System.out.printf(
        Locale.ROOT,
        "  %s: %d scores, %d teachers, %d selected, as local mode%n",
        run,
        got.scores().size(),
        got.teachers().size(),
        got.selected().size());
  }

  boolean exists(String path) throws Exception {
    try (FileSystem fs = FileSystem.newInstance(URI.create(hdfs), new Configuration())) {
      return fs.exists(new org.apache.hadoop.fs.Path(path));
    }
  }

  /**
   * The JVM of a running container of {@code application} that runs {@code mainClass}: a
   * container's command line names its log directory, which names the container (container ids
   * carry their application's), and the JVM is the child of the container's launch shell.
   */
  static Optional<ProcessHandle> containerProcess(String application, String mainClass) {
    String containers = "container_" + application.substring("application_".length()) + "_";
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().command().orElse("").endsWith("/java"))
        .filter(
            h -> {
              String line = h.info().commandLine().orElse("");
              return line.contains(containers) && line.contains(mainClass);
            })
        .findFirst();
  }

  /**
   * The stderr files of an application's containers: its first (the application master, which holds
   * the driver in cluster deploy mode) or all the others (its executors).
   */
  static List<Path> containerLogs(String application, boolean first) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String dir : logDirs) {
      Path app = Path.of(dir, application);
      if (Files.isDirectory(app)) {
        try (Stream<Path> containers = Files.list(app)) {
          containers
              .filter(c -> c.toString().endsWith("_000001") == first)
              .map(c -> c.resolve("stderr"))
              .filter(Files::exists)
              .forEach(out::add);
        }
      }
    }
    return out;
  }

  /** Whether the driver's log of a cluster-mode application says {@code text}. */
  static boolean driverLogSays(String application, String text) throws IOException {
    for (Path log : containerLogs(application, true)) {
      if (Files.readString(log).contains(text)) {
        return true;
      }
    }
    return false;
  }

  /** The executors' logs of an application. */
  static String executorLogs(String application) throws IOException {
    StringBuilder out = new StringBuilder();
    for (Path log : containerLogs(application, false)) {
      out.append(Files.readString(log));
    }
    return out.toString();
  }

  /** Where each executor of an application loaded its student from, as its log says. */
  static List<String> studentLoads(String application) throws IOException {
    List<String> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("loaded student demo-student from (.*?): device")
            .matcher(executorLogs(application));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static final Pattern APPLICATION =
      Pattern.compile("Submitting application (application_\\d+_\\d+)");

  /**
   * Waits until {@code run}'s output says {@code pattern}; fails with its output if it never does.
   */
  static Matcher await(Processes.Running run, Pattern pattern, String what) throws Exception {
    Assertions.assertTrue(
        run.awaitOutput(o -> pattern.matcher(o).find(), Duration.ofMinutes(5)),
        what + " never came:\n" + run.outputSoFar());
    Matcher m = pattern.matcher(run.outputSoFar());
    Assertions.assertTrue(m.find());
    return m;
  }

  @Test
  void clientModeWithALocalStudentShippedByTheScriptScoresAsLocalMode() throws Exception {
    long t = System.nanoTime();
    Processes.Outcome o =
        submit("client", job("/runs/client", DemoStudent.DIR.toString()))
            .run(Duration.ofMinutes(6));
    assertEquals(0, o.exit(), o.output());
    System.out.printf(Locale.ROOT, "  client mode: %.1f s%n", (System.nanoTime() - t) / 1e9);
    Assertions.assertTrue(o.output().contains("Teacher leaderboard"), o.output());
    Matcher app = APPLICATION.matcher(o.output());
    Assertions.assertTrue(app.find(), o.output());
    // Each executor loads the student the driver shipped, from the node's cache, not the
    // container's own directory (which goes with the container).
    List<String> loads = studentLoads(app.group(1));
    Assertions.assertFalse(loads.isEmpty(), executorLogs(app.group(1)));
    for (String load : loads) {
      Assertions.assertTrue(
          load.startsWith(DemoStudent.DIR.toAbsolutePath() + ", ")
              && (load.contains(", copied to ") || load.contains(" already there"))
              && !load.contains("/appcache/"),
          load);
    }
    System.out.println("  client mode students: " + loads);
    assertAsLocalMode("/runs/client");
  }

  @Test
  void anExecutorContainerKilledMidRunStillPublishesTheSameAndASecondRunIsRefused()
      throws Exception {
    Processes.Running first =
        submit("client", job("/runs/contended", hdfs + "/students/demo")).start();
    // The run holds its output's lock before it asks YARN for anything.
    String application = await(first, APPLICATION, "the first run's application").group(1);
    Processes.Outcome second =
        submit("client", job("/runs/contended", hdfs + "/students/demo"))
            .run(Duration.ofMinutes(3));
    Assertions.assertNotEquals(0, second.exit(), second.output());
    List<String> lines =
        second.stderr().lines().filter(l -> l.startsWith("naturalness: ")).toList();
    assertEquals(1, lines.size(), second.output());
    Assertions.assertTrue(
        lines.get(0).contains("two runs cannot write one output.path"), lines.get(0));
    Assertions.assertFalse(
        second.output().contains("Submitting application"), "refused before YARN");
    Assertions.assertFalse(first.outputSoFar().contains("scoring done"), "while the first ran");

    await(first, Pattern.compile("progress: .* [1-9] tasks running"), "scoring");
    ProcessHandle executor =
        containerProcess(application, "YarnCoarseGrainedExecutorBackend")
            .orElseThrow(() -> new AssertionError("no executor container is running"));
    executor.destroyForcibly();
    Processes.Outcome o = first.await(Duration.ofMinutes(6));
    assertEquals(0, o.exit(), o.output());
    String lost =
        o.output()
            .lines()
            .filter(l -> l.contains("Lost executor"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no executor was lost:\n" + o.output()));
    System.out.println("  " + lost.strip());
    // The student on HDFS: copied once to this node's cache and sha256 checked, or found there.
    List<String> loads = studentLoads(application);
    Assertions.assertFalse(loads.isEmpty(), executorLogs(application));
    for (String load : loads) {
      Assertions.assertTrue(
          load.startsWith(hdfs + "/students/demo, ")
              && (load.contains(", copied to ") || load.contains(" already there"))
              && !load.contains("/appcache/"),
          load);
    }
    System.out.println("  HDFS students: " + loads);
    assertAsLocalMode("/runs/contended");
  }

  @Test
  void aDriverKilledInClusterModePublishesNothingAndTheRerunScoresAsLocalMode() throws Exception {
    // A config file of this machine travels with the submission: the driver reads it by name.
    Path conf =
        Files.writeString(DIR.resolve("nightly.conf"), "naturalness.output.export = [messages]\n");
    String[] args = job("/runs/cluster", hdfs + "/students/demo", "--config", conf.toString());
    Processes.Running run = submit("cluster", args).start();
    String application = await(run, APPLICATION, "the application").group(1);
    // The driver runs in the application master's container: kill it once it is scoring and an
    // executor has brought the student into the node's cache (so this test needs no other first).
    long until = System.currentTimeMillis() + 300_000;
    while (!(driverLogSays(application, "scoring with student")
            && !studentLoads(application).isEmpty())
        && System.currentTimeMillis() < until) {
      Thread.sleep(200);
    }
    Assertions.assertTrue(
        driverLogSays(application, "scoring with student") && !studentLoads(application).isEmpty(),
        "the driver never started scoring with a loaded student:\n" + run.outputSoFar());
    ProcessHandle driver =
        containerProcess(application, "org.apache.spark.deploy.yarn.ApplicationMaster")
            .orElseThrow(() -> new AssertionError("no driver container:\n" + run.outputSoFar()));
    driver.destroyForcibly();
    Processes.Outcome killed = run.await(Duration.ofMinutes(3));
    Assertions.assertNotEquals(0, killed.exit(), killed.output());
    Assertions.assertFalse(exists("/runs/cluster/summary.json"), "a killed run publishes nothing");
    Assertions.assertFalse(exists("/runs/cluster/report.html"));

    long t = System.nanoTime();
    Processes.Outcome rerun = submit("cluster", args).run(Duration.ofMinutes(6));
    assertEquals(0, rerun.exit(), rerun.output());
    System.out.printf(Locale.ROOT, "  cluster mode rerun: %.1f s%n", (System.nanoTime() - t) / 1e9);
    // The killed run left the student in this node's cache: no executor copies it again.
    Matcher rerunApp = APPLICATION.matcher(rerun.output());
    Assertions.assertTrue(rerunApp.find(), rerun.output());
    List<String> loads = studentLoads(rerunApp.group(1));
    Assertions.assertFalse(loads.isEmpty(), executorLogs(rerunApp.group(1)));
    for (String load : loads) {
      Assertions.assertTrue(load.endsWith(" already there"), load);
    }
    Assertions.assertTrue(exists("/runs/cluster/summary.json"));
    Assertions.assertTrue(
        exists("/runs/cluster/export/messages/data"), "the config file's export was written");
    assertAsLocalMode("/runs/cluster");
  }
}
