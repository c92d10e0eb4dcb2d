package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.checks.JobChecks;
import dev.naturalness.output.JobFailure;
import dev.naturalness.output.RunLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that has nothing to publish, or stops before it publishes, leaves nothing a reader could
 * take for a finished run: no summary.json, no report.html, no report_data/summary.json.
 */
class NothingUnfinishedIsPublishedTest extends SparkTestBase {
  @TempDir Path tmp;

  static void assertNothingFinished(Path run) {
    for (String name : List.of("summary.json", "report.html", "report_data")) {
      Assertions.assertFalse(Files.exists(run.resolve(name)), name + " is there");
    }
  }

  @Test
  void aCorpusWhereNoRowCanBeScoredFailsSayingHowManyRowsHadWhichStatus() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      rows.add(Corpora.row("p" + i, "t" + (i % 2), i == 3 ? "" : "  \n\n ", true));
    }
    rows.add(Corpora.row("p9", null, "A response without its teacher.", true));
    Path input = Corpora.writeJsonLines(tmp, "blank.jsonl", rows);
    Path out = tmp.resolve("blank-run");
    JobFailure e = assertThrows(JobFailure.class, () -> JobRunner.run(spark(), input, out));
    Assertions.assertEquals(
        "no row could be scored: 5 rows, by status: empty_response 4, missing_field 1; nothing was"
            + " published",
        e.getMessage());
    assertNothingFinished(out);
    Assertions.assertFalse(Files.exists(out.resolve(RunLock.FILE)), "the run's lock is gone");
  }

  @Test
  void aRunStoppedAfterItsReportLeavesNoReportAndTheDirectoryToTheNextRun() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "small.jsonl", Corpora.small());
    Path out = tmp.resolve("run");
    JobRunner.run(spark(), input, out);
    Assertions.assertTrue(Files.exists(out.resolve("report.html")));
    Assertions.assertTrue(Files.exists(out.resolve("report_data/teachers.json")));
    Assertions.assertFalse(
        Files.exists(out.resolve("report_data/summary.json")),
        "the summary is written once, as summary.json: no copy a reader could take for it");

    JobFailure e =
        assertThrows(
            JobFailure.class,
            () -> JobRunner.run(spark(), input, out, "testing.fail-before-publish=true"));
    Assertions.assertTrue(e.getMessage().contains("before it publishes"), e.getMessage());
    assertNothingFinished(out);
    Assertions.assertTrue(
        Files.exists(out.resolve("_report/report.html")),
        "the report was drawn where readers do not look");
    Assertions.assertTrue(Files.exists(out.resolve("scores")), "the tables were written");

    JobRunner.run(spark(), input, out);
    Assertions.assertTrue(Files.exists(out.resolve("summary.json")));
    Assertions.assertTrue(Files.exists(out.resolve("report.html")));
    Assertions.assertFalse(
        Files.exists(out.resolve("_report")), "the draft is gone once published");
  }

  @Test
  void anIoFailureInAStageStopsTheRunInOneLineNamingTheStage() throws Exception {
    Path input = Corpora.writeJsonLines(tmp.resolve("in"), "small.jsonl", Corpora.small());
    Path out = tmp.resolve("io-run");
    JobChecks.Checked checked =
        JobChecks.check(
            JobArgs.demo(input, out).settings(), spark().sparkContext().hadoopConfiguration());
    try (RunLock lock = NaturalnessJob.claimOutput(checked)) {
      // The input goes away between the checks and the read.
      Files.delete(input);
      JobFailure e =
          Assertions.assertThrows(JobFailure.class, () -> Pipeline.run(spark(), checked, lock));
      Assertions.assertTrue(e.getMessage().startsWith("stage read failed: "), e.getMessage());
      Assertions.assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
      Assertions.assertTrue(e.getMessage().endsWith("; nothing was published"), e.getMessage());
      Assertions.assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    assertNothingFinished(out);
  }
}
