package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.Processes;
import dev.naturalness.RunOutputs;
import dev.naturalness.S3Server;
import dev.naturalness.Slow;
import dev.naturalness.output.ResumeArea;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The job on a real Spark standalone cluster on this machine: one Master and two one-core Workers,
 * each its own process (src/test/scripts/standalone-cluster.sh), executors in JVMs of their own.
 * Jobs go in through submit/spark-submit.sh with a Spark home assembled from the project's jars:
 * SparkSubmit in client mode, the application jar and the job's own jars shipped by Spark. Every
 * process the tests start is ended by its id.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Slow
class ClusterTest extends SparkTestBase {
  static final Path DIR = Path.of("target", "test-cluster").toAbsolutePath();
  static final Path SCRIPT = Path.of("src/test/scripts/standalone-cluster.sh");
  static final Path DEMO = Path.of("src/main/resources/demo/corpus.jsonl");
  static String master;
  static Path appJar;
  static Map<String, double[]> reference;
  static double localSeconds;
  static final long STARTED = System.nanoTime();

  @BeforeAll
  static void startCluster() throws Exception {
    long t = System.nanoTime();
    TestClusters.startFresh(SCRIPT, DIR, Duration.ofMinutes(3));
    master = Files.readString(DIR.resolve("master-url")).trim();
    System.out.printf(
        Locale.ROOT,
        "cluster: master and 2 workers up in %.1f s at %s%n",
        (System.nanoTime() - t) / 1e9,
        master);
    appJar = TestClusters.applicationJar(DIR.resolve("naturalness-app.jar"));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    Processes.command("bash", SCRIPT.toString(), "stop", DIR.toString()).run(Duration.ofMinutes(1));
    System.out.printf(
        Locale.ROOT, "cluster tests: %.0f s in all%n", (System.nanoTime() - STARTED) / 1e9);
  }

  /** The job submitted to the cluster as users submit it. */
  static Processes.Command submit(String... args) {
    return Processes.command("submit/spark-submit.sh", "--master", master)
        .args(args)
        .env("SPARK_HOME", DIR.resolve("spark-home").toString())
        .env("NATURALNESS_APP_JAR", appJar.toString())
        .env("NATURALNESS_EXECUTORS", "2")
        .env("NATURALNESS_EXECUTOR_MEMORY", "1200m")
        .env("NATURALNESS_DRIVER_MEMORY", "1500m")
        .unsetEnv("NATURALNESS_CLASSPATH");
  }

  static String[] demoArgs(Path output, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--set",
                "input.path=" + DEMO,
                "--set",
                "output.path=" + output,
                "--set",
                "student.path=src/main/resources/demo/student",
                "--set",
                "teachers.bootstrap-samples=100",
                "--set",
                "progress.interval-seconds=1"));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  /** The demo scored in local mode (this JVM), the reference every cluster run must equal. */
  Map<String, double[]> reference() throws Exception {
    if (reference == null) {
      long t = System.nanoTime();
      Path out = DIR.resolve("local-reference");
      JobRunner.run(spark(), DEMO.toAbsolutePath(), out, "teachers.bootstrap-samples=100");
      localSeconds = (System.nanoTime() - t) / 1e9;
      reference = scores(out);
    }
    return reference;
  }

  Map<String, double[]> scores(Path run) {
    Map<String, double[]> out = new HashMap<>();
    for (Row r : spark().read().parquet(run.resolve("scores").toString()).collectAsList()) {
      out.put(r.getAs("response_id"), new double[] {r.getAs("lalp"), r.getAs("galp")});
    }
    return out;
  }

  void assertScoresEqualTheLocalRun(Path run) throws Exception {
    Map<String, double[]> ref = reference();
    Map<String, double[]> got = scores(run);
    Assertions.assertTrue(
        ref.keySet().containsAll(got.keySet()) && !got.isEmpty(),
        "the run's responses are the demo's");
    double worst = 0;
    for (Map.Entry<String, double[]> e : got.entrySet()) {
      for (int m = 0; m < 2; m++) {
        worst = Math.max(worst, Math.abs(e.getValue()[m] - ref.get(e.getKey())[m]));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "  %s: %d scores, max |cluster - local| %.2e%n",
        run.getFileName(),
        got.size(),
        worst);
    Assertions.assertTrue(worst <= 1e-6, "scores differ from local mode's by " + worst);
  }

  /** Everything the executors of all applications wrote to stderr. */
  static String executorLogs() throws IOException {
    return executorLogsExcept(Set.of());
  }

  /** The stderr files of the executors of all applications so far. */
  static Set<Path> executorLogFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(DIR)) {
      return new TreeSet<>(walk.filter(f -> f.getFileName().toString().equals("stderr")).toList());
    }
  }

  /** What the executors wrote to stderr, leaving out the given (earlier applications') files. */
  static String executorLogsExcept(Set<Path> earlier) throws IOException {
    StringBuilder out = new StringBuilder();
    for (Path p : executorLogFiles()) {
      if (!earlier.contains(p)) {
        out.append("==> ").append(p).append('\n').append(Files.readString(p));
      }
    }
    return out.toString();
  }

  /** The executor JVMs of the cluster now (children of the Workers). */
  static List<ProcessHandle> executors() throws IOException {
    List<ProcessHandle> out = new ArrayList<>();
    for (int w = 1; w <= 2; w++) {
      Path pid = DIR.resolve("worker-" + w + ".pid");
      if (!Files.exists(pid)) {
        continue;
      }
      ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
          .ifPresent(
              worker ->
                  worker
                      .descendants()
                      .filter(
                          p ->
                              p.info()
                                  .commandLine()
                                  .orElse("")
                                  .contains("CoarseGrainedExecutorBackend"))
                      .forEach(out::add));
    }
    return out;
  }

  static Processes.Running startAndAwaitScoring(String... args) throws Exception {
    Processes.Running run = submit(args).start();
    Assertions.assertTrue(
        run.awaitOutput(
            o -> Pattern.compile("progress: [1-9][\\d,]*/").matcher(o).find(),
            Duration.ofMinutes(4)),
        "scoring never started:\n" + run.outputSoFar());
    return run;
  }

  @Test
  @Order(1)
  void theDemoRunsOnTwoExecutorJvmsWithARelativeStudentPathAndScoresAsLocalModeDoes()
      throws Exception {
    Path events = Files.createDirectories(DIR.resolve("events"));
    long t = System.nanoTime();
    Processes.Outcome o =
        submit(demoArgs(Path.of("target/test-cluster/demo"), "--set", "spark.event-log=" + events))
            .run(Duration.ofMinutes(6));
    double clusterSeconds = (System.nanoTime() - t) / 1e9;
    assertEquals(0, o.exit(), o.output());
    assertScoresEqualTheLocalRun(DIR.resolve("demo"));
    System.out.printf(
        Locale.ROOT,
        "  demo wall: %.1f s on the cluster (spark-submit to exit), %.1f s in local mode (this JVM, "
            + "warm)%n",
        clusterSeconds,
        localSeconds);

    // Two executors, each loading the student from the files Spark shipped, copied once per node.
    String logs = executorLogs();
    Matcher loaded = Pattern.compile("loaded student demo-student from (.*)").matcher(logs);
    int executors = 0;
    while (loaded.find()) {
      executors++;
      Assertions.assertTrue(
          loaded.group(1).contains("(shipped by Spark)")
              || loaded.group(1).contains("src/main/resources/demo/student"),
          loaded.group());
    }
    assertEquals(2, executors, logs);
    Matcher ready =
        Pattern.compile("first batches scored ([\\d.]+) s after this JVM started").matcher(logs);
    List<String> readiness = new ArrayList<>();
    while (ready.find()) {
      readiness.add(ready.group(1) + " s");
    }
    assertEquals(2, readiness.size(), logs);
    Matcher costs =
        Pattern.compile("\\(copy ([\\d.]+) s, libtorch ([\\d.]+) s, load ([\\d.]+) s\\)")
            .matcher(logs);
    while (costs.find()) {
      System.out.println(
          "  executor before its first batch: " + costs.group() + ", first batches " + readiness);
    }

    // Each stage's jobs carry its name, in the event log.
    Set<String> descriptions = new TreeSet<>();
    try (Stream<Path> files = Files.list(events)) {
      for (Path f : files.toList()) {
        for (String line : Files.readAllLines(f)) {
          if (line.contains("\"SparkListenerJobStart\"")) {
            JsonNode d =
                new ObjectMapper().readTree(line).path("Properties").path("spark.job.description");
            if (!d.isMissingNode()) {
              descriptions.add(d.asText());
            }
          }
        }
      }
    }
    Assertions.assertTrue(
        descriptions.containsAll(
            List.of(
                "naturalness: read",
                "naturalness: plan",
                "naturalness: score",
                "naturalness: teachers",
                "naturalness: select",
                "naturalness: report")),
        descriptions.toString());

    // The progress line moves while tasks run on the executors, before any task has ended.
    Matcher progress = Pattern.compile("progress: ([\\d,]+)/800 responses").matcher(o.output());
    Set<Integer> seen = new TreeSet<>();
    while (progress.find()) {
      seen.add(Integer.parseInt(progress.group(1).replace(",", "")));
    }
    Assertions.assertTrue(
        seen.stream().anyMatch(n -> n > 0 && n < 400),
        "progress before the first task ended: " + seen);
    Assertions.assertTrue(seen.size() >= 3, "progress moved: " + seen);
  }

  @Test
  @Order(2)
  void aStudentOnS3IsCopiedOncePerNodeAndLoadedFromTheLocalCopy() throws Exception {
    try (S3Server s3 = S3Server.start(DIR.resolve("s3"))) {
      s3.client().createBucket("models");
      s3.upload(DemoStudent.DIR, "models", "demo-student");
      Path small = Corpora.writeJsonLines(DIR, "small.jsonl", Corpora.small());
      Path cache = DIR.resolve("student-cache");
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--set",
                  "input.path=" + small,
                  "--set",
                  "student.path=s3a://models/demo-student",
                  "--set",
                  "student.local-cache=" + cache,
                  "--set",
                  "student.check=false",
                  "--set",
                  "partition.min-partitions=2",
                  "--set",
                  "teachers.bootstrap-samples=50"));
      args.addAll(s3.settings());
      Set<Path> before = executorLogFiles();
      List<String> first = new ArrayList<>(args);
      first.addAll(List.of("--set", "output.path=" + DIR.resolve("s3-student-1")));
      Processes.Outcome o = submit(first.toArray(new String[0])).run(Duration.ofMinutes(4));
      assertEquals(0, o.exit(), o.output());
      String logs = executorLogsExcept(before);
      // Executors that got a task each loaded the student, from one copy made on this node (under
      // a file lock when two executors race for it).
      int loads = count(logs, "loaded student demo-student from s3a://models/demo-student");
      Assertions.assertTrue(loads >= 1, logs);
      assertEquals(
          1,
          count(logs, "from s3a://models/demo-student, copied to "),
          "one copy on this node:\n" + logs);
      assertEquals(loads - 1, count(logs, "already there"), logs);
      try (Stream<Path> dirs = Files.list(cache)) {
        assertEquals(
            1,
            dirs.filter(
                    d ->
                        Files.isDirectory(d)
                            && !d.getFileName().toString().startsWith(".")
                            && !d.getFileName().toString().endsWith("-text"))
                .count(),
            "one local copy");
      }
      // A later run on the node finds the copy.
      before = executorLogFiles();
      List<String> second = new ArrayList<>(args);
      second.addAll(List.of("--set", "output.path=" + DIR.resolve("s3-student-2")));
      o = submit(second.toArray(new String[0])).run(Duration.ofMinutes(4));
      assertEquals(0, o.exit(), o.output());
      logs = executorLogsExcept(before);
      assertEquals(0, count(logs, "copied to "), logs);
      loads = count(logs, "loaded student demo-student from s3a://models/demo-student");
      Assertions.assertTrue(loads >= 1, logs);
      assertEquals(loads, count(logs, "already there"), logs);
    }
  }

  @Test
  @Order(3)
  void aStudentWhoseCopyFailsItsSha256CheckStopsTheJobWithOneLineNamingBothHashes()
      throws Exception {
    try (S3Server s3 = S3Server.start(DIR.resolve("s3-damaged"))) {
      s3.client().createBucket("models");
      Path damaged = Files.createDirectories(DIR.resolve("damaged-student"));
      for (String f : new String[] {"student.conf", "tokenizer.json", "model.pt"}) {
        Files.copy(
            DemoStudent.DIR.resolve(f), damaged.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
      Files.write(damaged.resolve("model.pt"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
      s3.upload(damaged, "models", "damaged");
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--set",
                  "spark.default-master=no-such-master://x",
                  "--set",
                  "input.path=" + Corpora.writeJsonLines(DIR, "small.jsonl", Corpora.small()),
                  "--set",
                  "output.path=" + DIR.resolve("damaged-out"),
                  "--set",
                  "student.path=s3a://models/damaged",
                  "--set",
                  "student.local-cache=" + DIR.resolve("damaged-cache")));
      args.addAll(s3.settings());
      Processes.Outcome o =
          Processes.java(null, NaturalnessJob.class, args.toArray(new String[0]))
              .run(Duration.ofMinutes(2));
      assertEquals(2, o.exit(), o.output());
      assertEquals(1, o.stderr().lines().count(), o.stderr());
      String expected = DemoStudent.get().manifest().modelSha256();
      Assertions.assertTrue(
          o.stderr()
              .startsWith("naturalness: the copy of s3a://models/damaged/model.pt has sha256 "),
          o.stderr());
      Assertions.assertTrue(o.stderr().contains(" but student.conf says " + expected), o.stderr());
    }
  }

  @Test
  @Order(4)
  void theJobCompletesWhenAnExecutorJvmIsKilledDuringScoringAndScoresAsACleanRun()
      throws Exception {
    Processes.Running run = startAndAwaitScoring(demoArgs(DIR.resolve("executor-killed")));
    List<ProcessHandle> executors = executors();
    assertEquals(2, executors.size(), "two executor JVMs");
    executors.get(0).destroyForcibly();
    Processes.Outcome o = run.await(Duration.ofMinutes(6));
    assertEquals(0, o.exit(), o.output());
    Assertions.assertTrue(
        o.output().contains("Lost executor") || o.output().contains("lost"),
        "the loss was noticed:\n" + o.output());
    assertScoresEqualTheLocalRun(DIR.resolve("executor-killed"));
  }

  @Test
  @Order(5)
  void theJobCompletesWhenAWorkerIsKilledDuringScoringAndScoresAsACleanRun() throws Exception {
    Processes.Running run = startAndAwaitScoring(demoArgs(DIR.resolve("worker-killed")));
    long worker = Long.parseLong(Files.readString(DIR.resolve("worker-2.pid")).trim());
    ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);
    try {
      Processes.Outcome o = run.await(Duration.ofMinutes(6));
      assertEquals(0, o.exit(), o.output());
      assertScoresEqualTheLocalRun(DIR.resolve("worker-killed"));
    } finally {
      Processes.Outcome restarted =
          Processes.command("bash", SCRIPT.toString(), "start-worker", DIR.toString(), "2")
              .run(Duration.ofMinutes(2));
      assertEquals(0, restarted.exit(), restarted.output());
    }
  }

  @Test
  @Order(6)
  void aRerunAfterTheDriverIsKilledCompletesAndNoReaderEverSeesTheKilledRunAsComplete()
      throws Exception {
    Path out = DIR.resolve("driver-killed");
    Path pointer = DIR.resolve("LATEST-driver-killed");
    String[] args = demoArgs(out, "--set", "output.publish-pointer=" + pointer);
    Processes.Running killed = startAndAwaitScoring(args);
    // Killed once a scoring task on an executor JVM has committed its rows to the work area.
    Path parts = out.resolve(ResumeArea.DIRECTORY).resolve("parts");
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (!hasFiles(parts) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    killed.kill();
    Assertions.assertTrue(hasFiles(parts), "no task committed:\n" + killed.outputSoFar());
    assertFalse(Files.exists(out.resolve("summary.json")), "the killed run looks complete");
    assertFalse(Files.exists(pointer), "the pointer names the killed run");
    Assertions.assertTrue(
        Files.exists(out.resolve("_naturalness")), "the killed run had claimed its directory");
    Processes.Outcome again = submit(args).run(Duration.ofMinutes(6));
    assertEquals(0, again.exit(), again.output());
    assertNotNull(new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("counts"));
    assertEquals(out.toString(), Files.readString(pointer).trim());
    assertScoresEqualTheLocalRun(out);
    Assertions.assertTrue(
        RunOutputs.counts(out).reusedFromUnfinishedRun() > 0,
        "the rerun reused what the killed run's tasks committed: " + RunOutputs.counts(out));
  }

  static boolean hasFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(f -> f.toString().endsWith(".parquet"));
    }
  }

  static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }
}
