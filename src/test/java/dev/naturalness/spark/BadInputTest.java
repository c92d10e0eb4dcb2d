package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.RunOutputs;
import dev.naturalness.report.RunSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dirty input: every bad row becomes a row in scores/ with its status; good rows score as if alone.
 */
class BadInputTest extends SparkTestBase {
  @TempDir Path tmp;

  static Map<String, Object> tagged(
      String tag, String promptId, String teacher, String response, Object correct) {
    Map<String, Object> r = Corpora.row(promptId, teacher, response, null);
    r.put("correct", correct);
    r.put("case", tag);
    return r;
  }

  static List<Map<String, Object>> goodRows() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> r : Corpora.small().subList(0, 6)) {
      r.put("case", "good");
      r.put("correct", String.valueOf(r.get("correct"))); // correct given as strings "true"/"false"
      rows.add(r);
    }
    rows.add(
        tagged(
            "good",
            "u1",
            "intl",
            "小明有 3 个苹果 🍎.\n\nשלום: $\\frac{3}{4} \\times 8 = 6$.\n\nCafé naïve ✅.",
            "true"));
    rows.add(tagged("good", "u2", "flat", "12 + 3 = 15 so the answer is 15", "true"));
    return rows;
  }

  @Test
  void everyBadRowGetsItsStatusAndGoodRowsScoreAsIfAlone() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>(goodRows());
    Map<String, Object> nullId = tagged("missing_field", null, "t", "1 + 1 = 2.", "true");
    rows.add(nullId);
    rows.add(tagged("missing_field", "b2", "", "1 + 1 = 2.", "true"));
    rows.add(tagged("missing_field", "b3", "t", null, "true"));
    rows.add(tagged("empty_response", "b4", "t", "  \t  ", "true"));
    rows.add(tagged("empty_response", "b5", "t", "\n\n \n\n", "true"));
    // Control characters are text: a bell, an ANSI colour from a tool's output, even NUL.
    rows.add(
        tagged(
            "ok_control_characters",
            "b6",
            "t",
            "a bell \u0007 rings, \u001b[31mred\u001b[0m, a NUL \u0000.",
            "true"));
    // A label that is no boolean counts as unknown; the row is scored.
    rows.add(tagged("ok_unknown_label", "b7", "t", "2 + 2 = 4.", "maybe"));
    rows.add(tagged("ok_truncated", "b8", "t", long1M(), "true"));
    Map<String, Object> longPrompt =
        tagged("ok_truncated_no_galp", "b9", "t", "The answer is 4.", "true");
    longPrompt.put("prompt", "Count the apples. ".repeat(200));
    rows.add(longPrompt);
    Map<String, Object> original =
        tagged(
            "good_first_of_duplicates", "d1", "twin", "5 + 5 = 10.\n\nThe answer is 10.", "true");
    rows.add(0, original);
    Map<String, Object> copy = new HashMap<>(original);
    copy.put("case", "duplicate");
    rows.add(copy);

    Path input = tmp.resolve("dirty");
    Corpora.writeJsonLines(input, "part-0.jsonl", rows);
    // Raw lines the JSON writer cannot make: invalid UTF-8 bytes, and a line that is not JSON.
    byte[] invalidUtf8 =
        ("{\"prompt_id\":\"b10\",\"prompt\":\"q\",\"teacher\":\"t\",\"case\":\"invalid_text\",\"response\":\"caf")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = "\"}\n{this is not json\n".getBytes(StandardCharsets.UTF_8);
    byte[] file = Files.readAllBytes(input.resolve("part-0.jsonl"));
    byte[] all = new byte[file.length + invalidUtf8.length + 2 + tail.length];
    System.arraycopy(file, 0, all, 0, file.length);
    System.arraycopy(invalidUtf8, 0, all, file.length, invalidUtf8.length);
    all[file.length + invalidUtf8.length] = (byte) 0xC3;
    all[file.length + invalidUtf8.length + 1] = (byte) 0x28;
    System.arraycopy(tail, 0, all, file.length + invalidUtf8.length + 2, tail.length);
    Files.write(input.resolve("part-0.jsonl"), all);

    Path out = tmp.resolve("out");
    JobRunner.run(spark(), input, out, "partition.min-partitions=2");
    List<Row> scores = spark().read().parquet(out.resolve("scores").toString()).collectAsList();
    assertEquals(rows.size() + 2, scores.size(), "rows read = rows in scores/");
    RunSummary.Counts counts = RunOutputs.counts(out);
    assertEquals(rows.size() + 2, counts.read());

    // Which input row is which: by response text and prompt id.
    Map<String, String> expected = new TreeMap<>();
    for (Map<String, Object> r : rows) {
      String tag = (String) r.get("case");
      expected.put(
          key(r.get("prompt_id"), r.get("teacher"), r.get("response"), tag.equals("duplicate")),
          tag);
    }
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Double> goodLalp = new HashMap<>();
    for (Row s : scores) {
      String status = s.getAs("status");
      String error = s.getAs("error");
      if (status.equals("bad_record")) {
        Assertions.assertTrue(error.contains("{this is not json"), error);
        seen.merge("bad_record", 1, Integer::sum);
        continue;
      }
      if ("b10".equals(s.getAs("prompt_id"))) {
        // A line with invalid UTF-8 is read with U+FFFD where its bytes were not text, so the row
        // says what is wrong with it.
        assertEquals("invalid_text", status, error);
        Assertions.assertTrue(error.startsWith("response holds U+FFFD"), error);
        seen.merge("invalid_utf8", 1, Integer::sum);
        continue;
      }
      String tag = tagOf(s, rows);
      seen.merge(tag, 1, Integer::sum);
      switch (tag) {
        case "good", "good_first_of_duplicates" -> {
          assertEquals("ok", status, error);
          goodLalp.put(s.getAs("response_id"), s.getAs("lalp"));
        }
        case "ok_truncated" -> {
          assertEquals("ok", status, error);
          Assertions.assertTrue((Boolean) s.getAs("truncated"));
          assertNotNull(s.getAs("lalp"));
          assertNotNull(s.getAs("galp"));
          Assertions.assertTrue((Integer) s.getAs("n_tokens") >= 1_000_000);
        }
        case "ok_control_characters", "ok_unknown_label" -> {
          assertEquals("ok", status, error);
          assertNotNull(s.getAs("lalp"));
          Assertions.assertTrue((Integer) s.getAs("n_tokens") > 0);
        }
        case "ok_truncated_no_galp" -> {
          assertEquals("ok", status, error);
          Assertions.assertTrue((Boolean) s.getAs("truncated"));
          assertNull(s.getAs("galp"), "the prompt alone fills the model");
          assertNotNull(s.getAs("lalp"));
        }
        default -> {
          assertEquals(tag, status, "row " + s);
          assertNotNull(error);
          Assertions.assertFalse(error.contains("\n"), "one-line reason: " + error);
          assertNull(s.getAs("lalp"));
        }
      }
    }
    assertEquals(1, seen.get("bad_record"));
    assertEquals(1, seen.get("invalid_utf8"));
    assertEquals(1, seen.get("duplicate"));
    assertEquals(3, seen.get("missing_field"));
    assertEquals(2, seen.get("empty_response"));

    // Teachers count errors; selection never picks them.
    for (Row t : spark().read().parquet(out.resolve("teachers").toString()).collectAsList()) {
      if (t.getAs("teacher").equals("t")) {
        Assertions.assertTrue((Long) t.getAs("n_errors") >= 3);
      }
    }
    for (Row sel : spark().read().parquet(out.resolve("selected").toString()).collectAsList()) {
      Assertions.assertNotEquals("duplicate", sel.getAs("case"));
    }

    // The good rows alone give the same scores.
    Path alone = Corpora.writeJsonLines(tmp.resolve("clean"), "part-0.jsonl", goodRows());
    Path aloneOut = tmp.resolve("alone");
    JobRunner.run(spark(), alone, aloneOut);
    int compared = 0;
    for (Row s : spark().read().parquet(aloneOut.resolve("scores").toString()).collectAsList()) {
      Double dirty = goodLalp.get((String) s.getAs("response_id"));
      assertNotNull(dirty, "good row " + s.getAs("response_id") + " scored in the dirty run");
      assertEquals((Double) s.getAs("lalp"), dirty, 1e-4);
      compared++;
    }
    assertEquals(goodRows().size(), compared);
  }

  @Test
  void invalidUtf8InABinaryParquetColumnIsAnErrorRowAndTheRestIsScored() throws Exception {
    StructType schema =
        new StructType()
            .add("prompt_id", "string")
            .add("prompt", "string")
            .add("teacher", "string")
            .add("response", "binary");
    List<Row> rows =
        List.of(
            RowFactory.create(
                "p1", "Add 2 and 3.", "t", "2 + 3 = 5.".getBytes(StandardCharsets.UTF_8)),
            RowFactory.create(
                "p2", "Add 2 and 3.", "t", new byte[] {'c', 'a', 'f', (byte) 0xC3, (byte) 0x28}));
    Path input = tmp.resolve("binary");
    spark().createDataFrame(rows, schema).coalesce(1).write().parquet(input.toString());
    JobRunner.run(spark(), input, tmp.resolve("out"));
    Map<String, Row> byPrompt = new HashMap<>();
    for (Row r : spark().read().parquet(tmp.resolve("out/scores").toString()).collectAsList()) {
      byPrompt.put(r.getAs("prompt_id"), r);
    }
    assertEquals("ok", byPrompt.get("p1").getAs("status"));
    assertEquals("invalid_text", byPrompt.get("p2").getAs("status"));
    Assertions.assertTrue(((String) byPrompt.get("p2").getAs("error")).contains("U+FFFD"));
  }

  @Test
  void aRunWhoseTasksEachFailOnceGivesTheSameOutputsAsACleanRun() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    JobRunner.run(spark(), input, tmp.resolve("clean"), "partition.min-partitions=3");
    JobRunner.run(
        spark(),
        input,
        tmp.resolve("faulty"),
        "partition.min-partitions=3",
        "testing.fail-first-attempt=true");
    for (String table : new String[] {"scores", "teachers", "selected"}) {
      assertEquals(
          sorted(tmp.resolve("clean").resolve(table)),
          sorted(tmp.resolve("faulty").resolve(table)),
          table);
    }
    Map<?, ?> clean =
        new ObjectMapper().readValue(tmp.resolve("clean/summary.json").toFile(), Map.class);
    Map<?, ?> faulty =
        new ObjectMapper().readValue(tmp.resolve("faulty/summary.json").toFile(), Map.class);
    assertEquals(clean.get("counts"), faulty.get("counts"));
  }

  private List<String> sorted(Path table) {
    List<String> out = new ArrayList<>();
    for (Row r : spark().read().parquet(table.toString()).collectAsList()) {
      out.add(r.toString());
    }
    out.sort(null);
    return out;
  }

  private static String long1M() {
    StringBuilder b = new StringBuilder(1_000_100);
    String para = "Then 3 * 4 = 12, and we keep adding the numbers as we go along. ".repeat(3_900);
    while (b.length() < 1_000_000) {
      b.append(para).append("\n\n");
    }
    return b.toString();
  }

  private static String key(Object promptId, Object teacher, Object response, boolean duplicate) {
    return promptId
        + "|"
        + teacher
        + "|"
        + (response == null ? "null" : Integer.toHexString(response.hashCode()))
        + "|"
        + duplicate;
  }

  private static String tagOf(Row s, List<Map<String, Object>> rows) {
    String status = s.getAs("status");
    for (Map<String, Object> r : rows) {
      boolean samePrompt =
          String.valueOf(r.get("prompt_id")).equals(String.valueOf((Object) s.getAs("prompt_id")));
      boolean sameTeacher =
          String.valueOf(r.get("teacher")).equals(String.valueOf((Object) s.getAs("teacher")));
      if (samePrompt && sameTeacher) {
        String tag = (String) r.get("case");
        if (tag.startsWith("good_first") && status.equals("duplicate")) {
          continue;
        }
        if (tag.equals("duplicate") && !status.equals("duplicate")) {
          continue;
        }
        return tag;
      }
    }
    throw new AssertionError("no input row for " + s);
  }

  @Test
  void anUnpairedSurrogateIsInvalidTextNotAQuestionMark() throws Exception {
    Path input = tmp.resolve("surrogate.jsonl");
    Files.writeString(
        input,
        "{\"prompt_id\":\"p\",\"prompt\":\"What is 2+2?\",\"teacher\":\"t\","
            + "\"response\":\"It is \\ud800 4.\"}\n"
            + "{\"prompt_id\":\"p\",\"prompt\":\"What is 2+2?\",\"teacher\":\"u\","
            + "\"response\":\"It is \\ud83d\\ude00 4.\"}\n");
    Path run = tmp.resolve("surrogate-run");
    JobRunner.run(spark(), input, run);
    assertEquals(Map.of("ok", 1L, "invalid_text", 1L), Reconcile.check(spark(), run, 2));
    Row bad =
        Reconcile.table(spark(), run, "scores").filter("teacher = 't'").collectAsList().get(0);
    Assertions.assertTrue(
        ((String) bad.getAs("error")).startsWith("response holds U+FFFD"), bad.toString());
  }

  @Test
  void anEventLogDirectoryThatIsNotThereStopsTheJobBeforeSparkInOneLine() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "small.jsonl", Corpora.small());
    Path missing = tmp.resolve("no-such-dir");
    JobRunner.Exit exit =
        JobRunner.exit(
            JobArgs.demo(input, tmp.resolve("out")).set("spark.event-log", missing.toString()));
    assertEquals(NaturalnessJob.EXIT_CONFIG, exit.code(), exit.stderr());
    assertEquals(
        "naturalness: spark.event-log "
            + missing
            + " is not a directory; create it (Spark writes one file per run there) or set"
            + " spark.event-log = \"\"\n",
        exit.stderr());
    Assertions.assertFalse(Files.exists(tmp.resolve("out")), "nothing was claimed");
  }
}
