package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.GetObjectRequest;
import com.amazonaws.services.s3.model.ObjectListing;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import dev.naturalness.JobArgs;
import dev.naturalness.Processes;
import dev.naturalness.RunOutputs;
import dev.naturalness.S3Server;
import dev.naturalness.Slow;
import dev.naturalness.output.ResumeArea;
import dev.naturalness.report.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose driver is killed (SIGKILL, as a preempted node or a cancelled step takes it) resumes
 * when the same command is run again: the scoring tasks that finished committed their rows to the
 * work area, the rerun reuses them and counts them, and every output equals a clean run's; a rerun
 * with a changed student setting reuses nothing of it; on a local disk and on S3 (a real
 * S3-compatible server on 127.0.0.1).
 */
@Slow
class ResumeTest extends SparkTestBase {
  static final int PARTITIONS = 8;
  static final String BUCKET = "resume";
  @TempDir static Path tmp;
  static Path CLEAN;
  static RunSummary reference;

  @BeforeAll
  static void paths() {
    CLEAN = tmp.resolve("clean");
  }

  static JobArgs args(Path input, Path output) {
    return JobArgs.demo(input, output)
        .set("spark.default-master", "local[2]")
        .set("partition.min-partitions", PARTITIONS)
        .set("output.export", "[messages]");
  }

  static Path corpus() throws Exception {
    Path input = tmp.resolve("corpus.jsonl");
    if (!Files.exists(input)) {
      Corpora.writeJsonLines(tmp, "corpus.jsonl", Corpora.demoSlice(300));
    }
    return input;
  }

  /** The committed task files in a run's work area. */
  static List<Path> committed(Path output) throws Exception {
    Path parts = output.resolve(ResumeArea.DIRECTORY).resolve("parts");
    if (!Files.isDirectory(parts)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(parts)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).toList();
    }
  }

  /** Starts a run and kills its driver once {@code files} tasks have committed. */
  static void killAfterCommits(Processes.Command run, IntSupplier committed, int files)
      throws Exception {
    Processes.Running running = run.start();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (committed.getAsInt() < files && System.nanoTime() < deadline) {
      Assertions.assertTrue(running.process().isAlive(), running.outputSoFar());
      Thread.sleep(20);
    }
    running.kill();
    int found = committed.getAsInt();
    Assertions.assertTrue(found >= files, "tasks committed before the kill: " + found);
    Assertions.assertTrue(
        found < PARTITIONS, "the kill came during scoring (" + found + " tasks had committed)");
  }

  /** The rows of the committed task files of a (local copy of a) run's work area. */
  long committedRows(Path output) throws Exception {
    return spark()
        .read()
        .parquet(committed(output).stream().map(Path::toString).toArray(String[]::new))
        .select("response_id")
        .distinct()
        .count();
  }

  static int committedCount(Path output) {
    try {
      return committed(output).size();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A clean run of the corpus, once for the class: what every resumed run must equal. */
  static synchronized RunSummary reference() throws Exception {
    if (reference == null) {
      reference = complete(args(corpus(), CLEAN), CLEAN);
      assertEquals(0, reference.counts().reusedFromUnfinishedRun());
    }
    return reference;
  }

  /** Starts a run and kills its driver as it enters {@code stage}; what it printed. */
  static String killInStage(JobArgs args, String stage) throws Exception {
    Processes.Running running = Processes.job("1g", args).start();
    String started = "Stages: stage " + stage + "\n";
    Assertions.assertTrue(
        running.awaitOutput(o -> o.contains(started), Duration.ofMinutes(5)),
        running.outputSoFar());
    running.kill();
    return running.outputSoFar();
  }

  static RunSummary complete(JobArgs args, Path output) throws Exception {
    Processes.Outcome o = Processes.job("1g", args).run(Duration.ofMinutes(5));
    assertEquals(0, o.exit(), o.output());
    assertFalse(
        Files.exists(output.resolve(ResumeArea.DIRECTORY)), "a run that published leaves no area");
    return RunOutputs.summary(output);
  }

  /** The rows a rerun found in the work area, from its log line. */
  static long resumedInLog(String log) {
    Matcher m = Pattern.compile("(\\d+) of them from the unfinished run").matcher(log);
    Assertions.assertTrue(m.find(), log);
    return Long.parseLong(m.group(1));
  }

  @Test
  void aRunKilledInScoringResumesFromItsFinishedTasksAndAChangedStudentReusesNothing()
      throws Exception {
    Path input = corpus();
    RunSummary reference = reference();
    Path out = tmp.resolve("killed-in-scoring");
    killAfterCommits(
        Processes.job("1g", args(input, out)), () -> committedCount(out), PARTITIONS / 2);
    assertFalse(Files.exists(out.resolve("summary.json")), "a killed run publishes nothing");
    long kept = committedRows(out);
    Assertions.assertTrue(kept > 0);

    // Another student setting first: none of the committed rows may serve it.
    String changed = killInStage(args(input, out).set("student.max-tokens", 64), "export");
    assertEquals(0, resumedInLog(changed), changed);

    RunSummary resumed = complete(args(input, out), out);
    Assertions.assertTrue(
        resumed.counts().reusedFromUnfinishedRun() >= kept,
        resumed.counts() + " reused, " + kept + " committed before the kill");
    assertEquals(resumed.counts().reusedFromUnfinishedRun(), resumed.counts().reused());
    assertEquals(
        reference.counts().scored() - resumed.counts().reused(), resumed.counts().scoredNow());
    RunComparison.assertSameOutputs(spark(), CLEAN, out);
  }

  @Test
  void aRunKilledInItsExportOrItsReportScoresNothingAgain() throws Exception {
    Path input = corpus();
    RunSummary reference = reference();
    Path out = tmp.resolve("killed-late");
    killInStage(args(input, out), "export");
    String log = killInStage(args(input, out), "report");
    assertEquals(reference.counts().scored(), resumedInLog(log), log);

    RunSummary resumed = complete(args(input, out), out);
    assertEquals(reference.counts().scored(), resumed.counts().reusedFromUnfinishedRun());
    assertEquals(0, resumed.counts().scoredNow());
    assertEquals(0, resumed.tokens().model(), "the model ran for nothing");
    RunComparison.assertSameOutputs(spark(), CLEAN, out);
  }

  @Test
  void onS3ARunKilledInScoringResumesFromItsFinishedTasks() throws Exception {
    RunSummary reference = reference();
    try (S3Server server = S3Server.start(tmp.resolve("s3"))) {
      AmazonS3 s3 = server.client();
      s3.createBucket(BUCKET);
      s3.putObject(BUCKET, "in/corpus.jsonl", corpus().toFile());
      JobArgs args =
          args(corpus(), CLEAN)
              .set("input.path", "s3a://" + BUCKET + "/in/corpus.jsonl")
              .set("output.path", "s3a://" + BUCKET + "/run");
      String parts = "run/" + ResumeArea.DIRECTORY + "/parts/";
      IntSupplier committed =
          () ->
              (int)
                  s3.listObjects(BUCKET, parts).getObjectSummaries().stream()
                      .filter(o -> o.getKey().endsWith(".parquet"))
                      .count();
      killAfterCommits(
          Processes.job("1g", args).args(server.settings()), committed, PARTITIONS / 2);
      Path area = download(s3, "run/", tmp.resolve("s3-killed"));
      assertFalse(Files.exists(area.resolve("summary.json")), "a killed run publishes nothing");
      long kept = committedRows(area);

      Processes.Outcome o =
          Processes.job("1g", args).args(server.settings()).run(Duration.ofMinutes(5));
      assertEquals(0, o.exit(), o.output());
      Path run = download(s3, "run/", tmp.resolve("s3-resumed"));
      assertFalse(Files.exists(run.resolve(ResumeArea.DIRECTORY)), "the area is gone");
      RunSummary resumed = RunOutputs.summary(run);
      Assertions.assertTrue(
          resumed.counts().reusedFromUnfinishedRun() >= kept,
          resumed.counts() + " reused, " + kept + " committed before the kill");
      assertEquals(
          reference.counts().scored() - resumed.counts().reused(), resumed.counts().scoredNow());
      RunComparison.assertSameOutputs(spark(), CLEAN, run);
    }
  }

  /** Every object under {@code prefix}, as files under {@code to}. */
  static Path download(AmazonS3 s3, String prefix, Path to) throws Exception {
    ObjectListing listing = s3.listObjects(BUCKET, prefix);
    while (true) {
      for (S3ObjectSummary o : listing.getObjectSummaries()) {
        Path file = to.resolve(o.getKey().substring(prefix.length()));
        if (!o.getKey().endsWith("/")) {
          Files.createDirectories(file.getParent());
          s3.getObject(new GetObjectRequest(BUCKET, o.getKey()), file.toFile());
        }
      }
      if (!listing.isTruncated()) {
        return to;
      }
      listing = s3.listNextBatchOfObjects(listing);
    }
  }
}
