package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.RunOutputs;
import dev.naturalness.model.StudentCache;
import dev.naturalness.report.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.Seq;

/** The job end to end on a small corpus, checked against values computed here from scores/. */
class NaturalnessJobTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void aSmallCorpusIsScoredAggregatedAndSelectedAsDefined() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "corpus.jsonl", Corpora.small());
    Path output = tmp.resolve("out");
    StudentCache.jvm().clear();
    long loadsBefore = StudentCache.jvm().loads();
    Pipeline.Result result = JobRunner.run(spark(), input, output, "partition.min-partitions=3");

    // Rows read = rows in scores/; the empty response is an error row, the rest are ok.
    Dataset<Row> scores = spark().read().parquet(output.resolve("scores").toString());
    List<Row> scoreRows = scores.collectAsList();
    assertEquals(10, scoreRows.size());
    RunSummary.Counts summaryCounts = RunOutputs.counts(output);
    assertEquals(10L, summaryCounts.read());
    assertEquals(9L, summaryCounts.scored());
    assertEquals(1L, summaryCounts.errored());
    Row empty =
        scoreRows.stream().filter(r -> r.getAs("prompt_id").equals("p4")).findFirst().orElseThrow();
    assertEquals("empty_response", empty.getAs("status"));
    assertNull(empty.getAs("lalp"));
    for (Row r : scoreRows) {
      if ("ok".equals(r.getAs("status"))) {
        assertNotNull(r.getAs("lalp"));
        assertNotNull(r.getAs("galp"));
        Assertions.assertTrue(((Double) r.getAs("lalp")) < 0);
        assertEquals(r.<Seq<Object>>getAs("step_scores").size(), (int) r.getAs("n_steps"));
      }
    }
    // Several scoring tasks, one student load in this JVM.
    JsonNode summary = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
    Assertions.assertTrue(summary.get("partitions").asInt() >= 3);
    // Memory as the job saw it: the driver's heap limit and peak RSS, the executors' sampled heap
    // peak.
    Assertions.assertTrue(
        summary.at("/driver_memory_mb/heap_max").asLong() > 0, summary.toString());
    Assertions.assertTrue(
        summary.at("/driver_memory_mb/rss_peak").asLong() > 0, summary.toString());
    Assertions.assertTrue(
        summary.at("/executor_memory_mb/executors").asInt() >= 1, summary.toString());
    assertEquals(
        1, StudentCache.jvm().loads() - loadsBefore, "the student is loaded once for all tasks");

    checkTeachers(
        scoreRows, spark().read().parquet(output.resolve("teachers").toString()).collectAsList());
    checkSelection(
        scoreRows,
        spark().read().parquet(output.resolve("selected").toString()).collectAsList(),
        1);
    assertEquals(result.teachers().size(), 3);
  }

  @Test
  void topTwoKeepsTheTwoBestCandidatesPerPromptAndJsonOutputHoldsTheSameTables() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "corpus.jsonl", Corpora.small());
    Path parquetOut = tmp.resolve("parquet");
    Path jsonOut = tmp.resolve("json");
    JobRunner.run(spark(), input, parquetOut, "select.top-k=2", "select.require-correct=false");
    JobRunner.run(
        spark(),
        input,
        jsonOut,
        "select.top-k=2",
        "select.require-correct=false",
        "output.format=json");

    List<Row> scores =
        spark().read().parquet(parquetOut.resolve("scores").toString()).collectAsList();
    List<Row> selected =
        spark().read().parquet(parquetOut.resolve("selected").toString()).collectAsList();
    checkSelection(scores, selected, 2);
    assertEquals(6, selected.size()); // 3 prompts x 2; p4 has no candidate

    for (String table : new String[] {"scores", "teachers", "selected"}) {
      Dataset<Row> fromParquet = spark().read().parquet(parquetOut.resolve(table).toString());
      Dataset<Row> fromJson = spark().read().json(jsonOut.resolve(table).toString());
      Assertions.assertTrue(
          Files.list(jsonOut.resolve(table)).anyMatch(p -> p.toString().endsWith(".json")),
          table + " as JSON Lines");
      assertEquals(fromParquet.count(), fromJson.count(), table);
      assertEquals(
          new HashSet<>(Arrays.asList(fromParquet.columns())),
          new HashSet<>(Arrays.asList(fromJson.columns())),
          table);
    }
    Map<String, Double> parquetLalp = byId(scores);
    Map<String, Double> jsonLalp =
        byId(spark().read().json(jsonOut.resolve("scores").toString()).collectAsList());
    for (Map.Entry<String, Double> e : parquetLalp.entrySet()) {
      Double other = jsonLalp.get(e.getKey());
      if (e.getValue() == null) {
        assertNull(other);
      } else {
        assertEquals(e.getValue(), other, 1e-4, e.getKey()); // the two runs score alike
      }
    }
  }

  private static Map<String, Double> byId(List<Row> rows) {
    Map<String, Double> out = new HashMap<>();
    for (Row r : rows) {
      Object v = r.getAs("lalp");
      out.put(r.getAs("response_id"), v == null ? null : ((Number) v).doubleValue());
    }
    return out;
  }

  /** Mean, median and win rate per teacher, computed here from the scored rows. */
  static void checkTeachers(List<Row> scores, List<Row> teachers) {
    Map<String, List<Row>> byTeacher =
        scores.stream().collect(Collectors.groupingBy(r -> r.getAs("teacher")));
    assertEquals(
        byTeacher.keySet(),
        teachers.stream().map(r -> (String) r.getAs("teacher")).collect(Collectors.toSet()));
    for (String metric : new String[] {"lalp", "galp"}) {
      Map<String, String> winner = new HashMap<>();
      Map<String, List<Row>> byPrompt =
          scores.stream()
              .filter(r -> "ok".equals(r.getAs("status")))
              .collect(Collectors.groupingBy(r -> r.getAs("prompt_id")));
      for (Map.Entry<String, List<Row>> e : byPrompt.entrySet()) {
        Row best =
            e.getValue().stream()
                .sorted(
                    Comparator.comparing((Row r) -> -(Double) r.getAs(metric))
                        .thenComparing(r -> (String) r.getAs("response_id")))
                .findFirst()
                .orElseThrow();
        winner.put(e.getKey(), best.getAs("teacher"));
      }
      for (Row t : teachers) {
        String teacher = t.getAs("teacher");
        List<Row> ok =
            byTeacher.get(teacher).stream().filter(r -> "ok".equals(r.getAs("status"))).toList();
        double[] values = ok.stream().mapToDouble(r -> (Double) r.getAs(metric)).sorted().toArray();
        double mean = Arrays.stream(values).average().orElseThrow();
        double median =
            values.length % 2 == 1
                ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
        Set<String> prompts =
            ok.stream().map(r -> (String) r.getAs("prompt_id")).collect(Collectors.toSet());
        long won = prompts.stream().filter(p -> teacher.equals(winner.get(p))).count();
        assertEquals(
            mean, (Double) t.getAs(metric + "_mean"), 1e-9, teacher + " " + metric + " mean");
        assertEquals(
            median, (Double) t.getAs(metric + "_median"), 1e-9, teacher + " " + metric + " median");
        assertEquals(
            (double) won / prompts.size(),
            (Double) t.getAs(metric + "_win_rate"),
            1e-12,
            teacher + " " + metric + " wins");
        double low = t.getAs(metric + "_ci_low");
        double high = t.getAs(metric + "_ci_high");
        Assertions.assertTrue(
            low <= mean + 1e-12 && mean <= high + 1e-12,
            teacher + " interval [" + low + ", " + high + "] holds " + mean);
        Assertions.assertTrue(
            low >= values[0] - 1e-12 && high <= values[values.length - 1] + 1e-12,
            "interval within the data");
        assertEquals(byTeacher.get(teacher).size() - ok.size(), (long) t.getAs("n_errors"));
      }
      // Ranks follow the means.
      List<Row> ranked = new ArrayList<>(teachers);
      ranked.sort(Comparator.comparing((Row r) -> (Integer) r.getAs(metric + "_rank")));
      for (int i = 1; i < ranked.size(); i++) {
        Assertions.assertTrue(
            (Double) ranked.get(i - 1).getAs(metric + "_mean")
                >= (Double) ranked.get(i).getAs(metric + "_mean"));
      }
    }
  }

  /**
   * Top-k per prompt by LALP among ok rows whose correct is not false (when required), computed
   * here.
   */
  static void checkSelection(List<Row> scores, List<Row> selected, int k) {
    boolean requireCorrect = k == 1;
    Map<String, List<Row>> candidates = new TreeMap<>();
    for (Row r : scores) {
      Boolean correct = correctOf(r);
      if ("ok".equals(r.getAs("status")) && (!requireCorrect || correct == null || correct)) {
        candidates.computeIfAbsent(r.getAs("prompt_id"), p -> new ArrayList<>()).add(r);
      }
    }
    Map<String, List<String>> expected = new TreeMap<>();
    Map<String, Double> expectedMargin = new HashMap<>();
    for (Map.Entry<String, List<Row>> e : candidates.entrySet()) {
      List<Row> sorted = new ArrayList<>(e.getValue());
      sorted.sort(
          Comparator.comparing((Row r) -> -(Double) r.getAs("lalp"))
              .thenComparing(r -> (String) r.getAs("response_id")));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < Math.min(k, sorted.size()); i++) {
        ids.add(sorted.get(i).getAs("response_id"));
        Double next = i + 1 < sorted.size() ? (Double) sorted.get(i + 1).getAs("lalp") : null;
        expectedMargin.put(
            sorted.get(i).getAs("response_id"),
            next == null ? null : (Double) sorted.get(i).getAs("lalp") - next);
      }
      expected.put(e.getKey(), ids);
    }
    Map<String, List<String>> actual = new TreeMap<>();
    List<Row> ordered = new ArrayList<>(selected);
    ordered.sort(
        Comparator.comparing((Row r) -> (String) r.getAs("prompt_id"))
            .thenComparing(r -> (Integer) r.getAs("selection_rank")));
    for (Row r : ordered) {
      actual
          .computeIfAbsent(r.getAs("prompt_id"), p -> new ArrayList<>())
          .add(r.getAs("response_id"));
      // every input column is carried, with its value
      assertEquals("batch-" + r.getAs("prompt_id") + "-" + r.getAs("teacher"), r.getAs("source"));
      assertNotNull(r.getAs("prompt"));
      assertNotNull(r.getAs("response"));
      Double margin = r.getAs("margin");
      Double want = expectedMargin.get((String) r.getAs("response_id"));
      if (want == null) {
        assertNull(margin);
      } else {
        assertEquals(want, margin, 1e-12);
      }
      if (requireCorrect) {
        assertFalse(Boolean.FALSE.equals(r.getAs("correct")), "a wrong answer was selected");
      }
    }
    assertEquals(expected, actual);
  }

  private static Boolean correctOf(Row r) {
    // scores/ does not carry correct; the corpus marks sloppy always wrong and student-like on p2.
    String teacher = r.getAs("teacher");
    String prompt = r.getAs("prompt_id");
    if (teacher.equals("sloppy")) {
      return false;
    }
    return !(teacher.equals("student-like") && prompt.equals("p2"));
  }
}
