package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.RDDInfo;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/**
 * What the job publishes is right, or the job fails: selected rows, ids, labels, and the
 * incremental cache.
 */
class PublishingIntegrityTest extends SparkTestBase {
  @TempDir Path tmp;

  /** 30 prompts x 3 teachers, every response different. */
  static List<Map<String, Object>> corpus() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int p = 0; p < 30; p++) {
      int a = 3 + p;
      String id = "q" + p;
      rows.add(
          Corpora.row(
              id,
              "concise",
              a + " + 3 = " + (a + 3) + ".\n\nThe answer is " + (a + 3) + ".",
              true));
      rows.add(
          Corpora.row(
              id,
              "student-like",
              "Ava starts with "
                  + a
                  + " apples.\n\nShe buys 3 more: "
                  + a
                  + " + 3 = "
                  + (a + 3)
                  + ".\n\nThe answer is "
                  + (a + 3)
                  + ".",
              true));
      rows.add(
          Corpora.row(
              id,
              "sloppy",
              "ok so " + a + "+3 iz " + (a + 2) + "\n\nanswr " + (a + 2) + " i thnk",
              true));
    }
    return rows;
  }

  List<Row> table(Path run, String name) {
    return spark().read().parquet(run.resolve(name).toString()).collectAsList();
  }

  static JsonNode summary(Path run) throws IOException {
    return new ObjectMapper().readTree(run.resolve("summary.json").toFile());
  }

  /**
   * Rewrites the input file (the same rows, another order: an upstream re-export) once scoring has
   * run.
   */
  static final class RewriteAfterScoring extends SparkListener {
    final Set<Integer> scoringJobs = Collections.synchronizedSet(new HashSet<>());
    final AtomicBoolean rewritten = new AtomicBoolean();
    final Path input;
    final List<Map<String, Object>> rows;

    RewriteAfterScoring(Path input, List<Map<String, Object>> rows) {
      this.input = input;
      this.rows = rows;
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      String description =
          start.properties() == null
              ? null
              : start.properties().getProperty("spark.job.description");
      boolean scoring = description != null && description.startsWith("naturalness: score");
      for (StageInfo stage : JavaConverters.seqAsJavaList(start.stageInfos())) {
        for (RDDInfo rdd : JavaConverters.seqAsJavaList(stage.rddInfos())) {
          scoring |=
              rdd.callSite().contains("ScoreStage") || rdd.callSite().contains("PartitionScorer");
        }
      }
      if (scoring) {
        scoringJobs.add(start.jobId());
      }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
      if (scoringJobs.contains(end.jobId()) && rewritten.compareAndSet(false, true)) {
        List<Map<String, Object>> reordered = new ArrayList<>(rows);
        Collections.reverse(reordered);
        try {
          Corpora.writeJsonLines(input.getParent(), input.getFileName().toString(), reordered);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  @Test
  void selectedRowsCarryTheColumnsOfTheRowsThatWereScoredWhenTheInputIsRewrittenDuringTheRun()
      throws Exception {
    List<Map<String, Object>> rows = corpus();
    Path input = Corpora.writeJsonLines(tmp.resolve("in"), "corpus.jsonl", rows);
    RewriteAfterScoring rewrite = new RewriteAfterScoring(input, rows);
    spark().sparkContext().addSparkListener(rewrite);
    Path out = tmp.resolve("out");
    try {
      JobRunner.run(spark(), input, out, "partition.min-partitions=3");
    } finally {
      spark().sparkContext().removeSparkListener(rewrite);
    }
    Assertions.assertTrue(rewrite.rewritten.get(), "the input was rewritten during the run");
    Map<String, Row> scores = new HashMap<>();
    for (Row r : table(out, "scores")) {
      scores.put(r.getAs("response_id"), r);
    }
    List<Row> selected = table(out, "selected");
    assertEquals(30, selected.size());
    for (Row s : selected) {
      Row scored = scores.get((String) s.getAs("response_id"));
      assertNotNull(scored, "selected response " + s.getAs("response_id") + " is in scores/");
      assertEquals((String) scored.getAs("prompt_id"), s.getAs("prompt_id"));
      assertEquals((String) scored.getAs("teacher"), s.getAs("teacher"));
      assertEquals((Double) scored.getAs("lalp"), (Double) s.getAs("lalp"));
      assertEquals(
          "batch-" + s.getAs("prompt_id") + "-" + s.getAs("teacher"),
          s.getAs("source"),
          "carried column");
      Assertions.assertTrue(
          ((String) s.getAs("prompt"))
              .startsWith("Ava has " + ((String) s.getAs("prompt_id")).length() + " apples"));
      String response = s.getAs("response");
      String teacher = s.getAs("teacher");
      Assertions.assertTrue(
          teacher.equals("sloppy") == response.startsWith("ok so"), teacher + ": " + response);
    }
  }

  @Test
  void rowsWithANullOrEmptyResponseIdGetTheDerivedIdAndAreAllScored() throws Exception {
    List<Map<String, Object>> rows = corpus().subList(0, 20);
    for (int i = 0; i < rows.size(); i++) {
      rows.get(i).put("response_id", i < 10 ? "r" + i : i < 15 ? null : "");
    }
    Path out = tmp.resolve("ids");
    JobRunner.run(spark(), Corpora.writeJsonLines(tmp, "ids.jsonl", rows), out);
    List<Row> scores = table(out, "scores");
    assertEquals(20, scores.size());
    Set<String> ids = new HashSet<>();
    for (Row r : scores) {
      assertEquals("ok", r.getAs("status"), String.valueOf((Object) r.getAs("error")));
      ids.add(r.getAs("response_id"));
    }
    assertEquals(20, ids.size(), "every row has its own id");
    Assertions.assertTrue(ids.containsAll(List.of("r0", "r9")));
  }

  @Test
  void responseIdsReusedWithOtherTextsAreNamedInTheReasonAndCounted() throws Exception {
    List<Map<String, Object>> rows = corpus().subList(0, 6);
    rows.get(0).put("response_id", "shared");
    rows.get(3).put("response_id", "shared"); // another prompt's response under the same id
    Map<String, Object> copy = new HashMap<>(rows.get(1));
    rows.get(1).put("response_id", "twin");
    copy.put("response_id", "twin"); // the same row twice
    rows.add(copy);
    Path out = tmp.resolve("reused");
    JobRunner.run(spark(), Corpora.writeJsonLines(tmp, "reused.jsonl", rows), out);
    List<String> reasons = new ArrayList<>();
    for (Row r : table(out, "scores")) {
      if ("duplicate".equals(r.getAs("status"))) {
        reasons.add(r.getAs("error"));
      }
    }
    assertEquals(2, reasons.size(), reasons.toString());
    Assertions.assertTrue(
        reasons.stream().anyMatch(e -> e.contains("different") && e.contains("shared")),
        reasons.toString());
    Assertions.assertTrue(
        reasons.stream().anyMatch(e -> e.contains("twin") && !e.contains("different")),
        reasons.toString());
    assertEquals(
        1,
        summary(out).at("/counts/duplicate_ids_with_other_text").asInt(),
        summary(out).toString());
  }

  @Test
  void correctAcceptsTheUsualSpellingsAndAnythingElseIsUnknownAndScored() throws Exception {
    String[] spellings = {"yes", "1", "no", "Y", "t", "f", "N", "0", "TRUE", "maybe"};
    Boolean[] meaning = {true, true, false, true, true, false, false, false, true, null};
    List<Map<String, Object>> rows = corpus().subList(0, spellings.length);
    for (int i = 0; i < spellings.length; i++) {
      rows.get(i).put("correct", spellings[i]);
      rows.get(i).put("prompt_id", "c" + i); // one candidate per prompt
    }
    Path out = tmp.resolve("labels");
    JobRunner.run(spark(), Corpora.writeJsonLines(tmp, "labels.jsonl", rows), out);
    for (Row r : table(out, "scores")) {
      assertEquals("ok", r.getAs("status"), String.valueOf((Object) r.getAs("error")));
    }
    Set<String> selectedPrompts = new HashSet<>();
    for (Row r : table(out, "selected")) {
      selectedPrompts.add(r.getAs("prompt_id"));
    }
    for (int i = 0; i < spellings.length; i++) {
      assertEquals(
          !Boolean.FALSE.equals(meaning[i]), selectedPrompts.contains("c" + i), spellings[i]);
    }
    assertEquals(
        1, summary(out).at("/counts/correct_unrecognized").asInt(), summary(out).toString());

    // A column of whole numbers: 1 and 0 are true and false, 2 is unknown.
    List<Map<String, Object>> numbers = corpus().subList(0, 3);
    int[] values = {1, 0, 2};
    for (int i = 0; i < 3; i++) {
      numbers.get(i).put("correct", values[i]);
      numbers.get(i).put("prompt_id", "n" + i);
    }
    Path numbersOut = tmp.resolve("numbers");
    JobRunner.run(spark(), Corpora.writeJsonLines(tmp, "numbers.jsonl", numbers), numbersOut);
    Set<String> picked = new HashSet<>();
    for (Row r : table(numbersOut, "selected")) {
      picked.add(r.getAs("prompt_id"));
    }
    assertEquals(Set.of("n0", "n2"), picked);
    assertEquals(1, summary(numbersOut).at("/counts/correct_unrecognized").asInt());
  }

  @Test
  void partitionsNeverOutnumberRows() throws Exception {
    Path out = tmp.resolve("tiny-partitions");
    JobRunner.run(
        spark(),
        Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small()),
        out,
        "partition.tokens-per-partition=1");
    Assertions.assertTrue(
        summary(out).get("partitions").asInt() <= 10, summary(out).get("partitions").toString());
  }

  /**
   * The demo student with the ids of 'a' and 'e' swapped in its tokenizer: the same model, other
   * tokens.
   */
  Path studentWithAnotherTokenizer() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("other-tokenizer"));
    for (String f : new String[] {"student.conf", "model.pt"}) {
      Files.copy(DemoStudent.DIR.resolve(f), dir.resolve(f));
    }
    String tokenizer = Files.readString(DemoStudent.DIR.resolve("tokenizer.json"));
    String swapped =
        tokenizer
            .replace("\"a\": 97,", "\"a\": 1001,")
            .replace("\"e\": 101,", "\"a\": 101,")
            .replace("\"a\": 1001,", "\"e\": 97,");
    assertFalse(swapped.equals(tokenizer), "the tokenizer fixture changed");
    Files.writeString(dir.resolve("tokenizer.json"), swapped);
    return dir;
  }

  @Test
  void theCacheDoesNotServeScoresOfAnotherTokenizer() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    String cache = "incremental.cache=" + tmp.resolve("cache");
    JobRunner.run(spark(), input, tmp.resolve("first"), cache);
    Path other = studentWithAnotherTokenizer();
    JobRunner.run(spark(), input, tmp.resolve("second"), cache, "student.path=" + other);
    assertEquals(
        9, summary(tmp.resolve("second")).at("/counts/scored_now").asInt(), "nothing reused");
    JobRunner.run(spark(), input, tmp.resolve("full"), "student.path=" + other);
    Map<String, Double> refresh = lalpById(tmp.resolve("second"));
    Map<String, Double> full = lalpById(tmp.resolve("full"));
    assertEquals(full.keySet(), refresh.keySet());
    full.forEach(
        (id, v) -> {
          if (v != null) {
            assertEquals(v, refresh.get(id), 1e-6, id);
          }
        });
  }

  @Test
  void theCacheDoesNotServeScoresOfOtherGivenSteps() throws Exception {
    List<Map<String, Object>> rows = Corpora.small();
    for (Map<String, Object> r : rows) {
      String response = (String) r.get("response");
      r.put("steps", List.of(response)); // one step
    }
    String cache = "incremental.cache=" + tmp.resolve("steps-cache");
    JobRunner.run(
        spark(),
        Corpora.writeJsonLines(tmp.resolve("a"), "c.jsonl", rows),
        tmp.resolve("one-step"),
        cache,
        "scoring.segmenter=column");
    for (Map<String, Object> r : rows) {
      String response = (String) r.get("response");
      int half = response.length() / 2;
      r.put(
          "steps",
          List.of(response.substring(0, half), response.substring(half))); // two steps, same text
    }
    Path out = tmp.resolve("two-steps");
    JobRunner.run(
        spark(),
        Corpora.writeJsonLines(tmp.resolve("b"), "c.jsonl", rows),
        out,
        cache,
        "scoring.segmenter=column");
    assertEquals(9, summary(out).at("/counts/scored_now").asInt(), "nothing reused");
    for (Row r : table(out, "scores")) {
      if ("ok".equals(r.getAs("status"))) {
        assertEquals(2, (int) r.getAs("n_steps"));
      }
    }
  }

  @Test
  void rowsCachedWithoutStepScoresAreNotReusedByARunThatWritesThem() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    String cache = "incremental.cache=" + tmp.resolve("step-cache");
    JobRunner.run(spark(), input, tmp.resolve("without"), cache, "output.step-scores=false");
    Path out = tmp.resolve("with");
    JobRunner.run(spark(), input, out, cache, "output.step-scores=true");
    int ok = 0;
    for (Row r : table(out, "scores")) {
      if ("ok".equals(r.getAs("status"))) {
        ok++;
        assertNotNull(r.getAs("step_scores"), "step scores of " + r.getAs("response_id"));
      } else {
        assertNull(r.getAs("step_scores"));
      }
    }
    assertEquals(9, ok);
  }

  private Map<String, Double> lalpById(Path run) {
    Map<String, Double> out = new HashMap<>();
    for (Row r : table(run, "scores")) {
      out.put(r.getAs("response_id"), r.getAs("lalp"));
    }
    return out;
  }

  @Test
  void symlinksInsideTheOutputAreReplacedNotFollowed() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    Path out = tmp.resolve("linked");
    JobRunner.run(spark(), input, out);
    Path outsideFile = Files.writeString(tmp.resolve("precious.html"), "keep me");
    Path outsideDir = Files.createDirectories(tmp.resolve("precious-dir"));
    Files.writeString(outsideDir.resolve("teachers.json"), "keep me too");
    Files.delete(out.resolve("report.html"));
    Files.createSymbolicLink(out.resolve("report.html"), outsideFile);
    TestFiles.deleteRecursively(out.resolve("report_data"));
    Files.createSymbolicLink(out.resolve("report_data"), outsideDir);
    Files.delete(out.resolve("summary.json"));
    Files.createSymbolicLink(out.resolve("summary.json"), outsideFile);

    JobRunner.run(spark(), input, out);
    assertEquals("keep me", Files.readString(outsideFile));
    assertEquals("keep me too", Files.readString(outsideDir.resolve("teachers.json")));
    try (var listing = Files.list(outsideDir)) {
      assertEquals(1, listing.count(), "nothing written into the linked directory");
    }
    for (String name : new String[] {"report.html", "report_data", "summary.json"}) {
      assertFalse(Files.isSymbolicLink(out.resolve(name)), name + " is still a link");
    }
    Assertions.assertTrue(
        Files.readString(out.resolve("report.html")).contains("Teacher leaderboard"));
    Assertions.assertTrue(Files.isRegularFile(out.resolve("report_data/teachers.json")));
  }
}
