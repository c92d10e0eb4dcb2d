package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.JobArgs;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import dev.naturalness.checks.InputPreflight;
import dev.naturalness.config.ConfigError;
import dev.naturalness.text.StepSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steps given as ends (scoring.segmenter = step-ends): made from an LLM's sentence groups by
 * src/main/python/step_ends_from_groups.py, they score exactly as the same steps given as strings;
 * wrong ends each give the row their status.
 */
class StepEndsTest extends SparkTestBase {
  @TempDir Path dir;

  /** Responses as steps of sentences; a step is its sentences joined by spaces, then a newline. */
  static final List<List<List<String>>> RESPONSES =
      List.of(
          List.of(
              List.of("Ava has 4 apples.", "She buys 3 more."),
              List.of("4 + 3 = 7."),
              List.of("The answer is 7.")),
          List.of(
              List.of("Let x be the count 😀.", "Then x = 4 + 3."),
              List.of("So x = 7.", "Check: 7 - 3 = 4.", "Good."),
              List.of("Answer: 7.")),
          List.of(List.of("One step only, in two sentences.", "Answer 7.")),
          List.of(
              List.of("Start."),
              List.of("We compute $x^2$ for x = 2, e.g. 4."),
              List.of("Then add 3."),
              List.of("Total 7.")));

  static List<String> steps(List<List<String>> response) {
    List<String> out = new ArrayList<>();
    for (int k = 0; k < response.size(); k++) {
      out.add(String.join(" ", response.get(k)) + (k + 1 < response.size() ? "\n" : ""));
    }
    return out;
  }

  /** The groups an LLM would return: each step's sentence indices. */
  static List<List<Integer>> groups(List<List<String>> response) {
    List<List<Integer>> out = new ArrayList<>();
    int next = 0;
    for (List<String> step : response) {
      List<Integer> g = new ArrayList<>();
      for (int i = 0; i < step.size(); i++) {
        g.add(next++);
      }
      out.add(g);
    }
    return out;
  }

  @Test
  @Slow
  void endsMadeFromSentenceGroupsScoreExactlyAsTheSameStepsGivenAsStrings() throws Exception {
    List<Map<String, Object>> grouped = new ArrayList<>();
    List<Map<String, Object>> given = new ArrayList<>();
    Map<String, List<Integer>> expectedEnds = new HashMap<>();
    for (int r = 0; r < RESPONSES.size(); r++) {
      List<String> steps = steps(RESPONSES.get(r));
      String response = String.join("", steps);
      Map<String, Object> a = Corpora.row("q" + r, "t" + (r % 2), response, true);
      a.put("response_id", "r" + r);
      a.put("sentence_groups", groups(RESPONSES.get(r)));
      if (r != 3) { // the last row leaves the sentences to the job's sentence rule
        a.put("sentences", RESPONSES.get(r).stream().flatMap(List::stream).toList());
      }
      grouped.add(a);
      Map<String, Object> b = Corpora.row("q" + r, "t" + (r % 2), response, true);
      b.put("response_id", "r" + r);
      b.put("steps", steps);
      given.add(b);
      List<Integer> ends = new ArrayList<>();
      int at = 0;
      for (String s : steps) {
        at += s.codePointCount(0, s.length());
        ends.add(at);
      }
      expectedEnds.put("r" + r, ends);
    }
    Path groupsFile = Corpora.writeJsonLines(dir, "groups.jsonl", grouped);
    Path endsFile = dir.resolve("ends.jsonl");
    Processes.Outcome made =
        Processes.command(
                "python3",
                "src/main/python/step_ends_from_groups.py",
                groupsFile.toString(),
                endsFile.toString())
            .run(Duration.ofMinutes(1));
    assertEquals(0, made.exit(), made.output());
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(endsFile)) {
      JsonNode row = json.readTree(line);
      List<Integer> ends = new ArrayList<>();
      row.get("step_ends").forEach(e -> ends.add(e.asInt()));
      assertEquals(expectedEnds.get(row.get("response_id").asText()), ends, line);
    }

    JobRunner.run(spark(), endsFile, dir.resolve("by-ends"), "scoring.segmenter=step-ends");
    JobRunner.run(
        spark(),
        Corpora.writeJsonLines(dir, "given.jsonl", given),
        dir.resolve("by-strings"),
        "scoring.segmenter=column");
    Map<String, Row> byEnds = scores(dir.resolve("by-ends"));
    Map<String, Row> byStrings = scores(dir.resolve("by-strings"));
    assertEquals(RESPONSES.size(), byEnds.size());
    for (Map.Entry<String, Row> e : byStrings.entrySet()) {
      Row ends = byEnds.get(e.getKey());
      Row strings = e.getValue();
      assertEquals("ok", ends.getAs("status"), String.valueOf(ends));
      assertEquals((int) strings.getAs("n_steps"), (int) ends.getAs("n_steps"));
      assertEquals(
          RESPONSES.get(Integer.parseInt(e.getKey().substring(1))).size(),
          (int) ends.getAs("n_steps"));
      for (String metric : List.of("lalp", "galp", "lalp_drop_first")) {
        Assertions.assertEquals(
            (double) strings.getAs(metric), (double) ends.getAs(metric), 1e-6, metric);
      }
      List<Float> a = ends.getList(ends.fieldIndex("step_scores"));
      List<Float> b = strings.getList(strings.fieldIndex("step_scores"));
      assertEquals(b.size(), a.size());
      for (int k = 0; k < a.size(); k++) {
        Assertions.assertEquals(b.get(k), a.get(k), 1e-6f);
      }
    }
  }

  @Test
  void wrongStepEndsEachGiveTheirStatusAndTheRestIsScored() throws Exception {
    String response = "First step.\nSecond step.\nThird.";
    int n = response.length();
    Object[][] cases = {
      {"good", List.of(12, 25, n), "ok"},
      {"unsorted", List.of(25, 12, n), "step_ends_unsorted"},
      {"repeated", List.of(12, 12, n), "step_ends_unsorted"},
      {"zero", List.of(0, 12, n), "step_ends_out_of_range"},
      {"beyond", List.of(12, n + 1), "step_ends_out_of_range"},
      // 2^32 + n would be n again in 32 bits: it must be out of range, not a valid last end.
      {"wraps", List.of(12L, 25L, (1L << 32) + n), "step_ends_out_of_range"},
      {"huge", List.of(12L, 3_000_000_000L), "step_ends_out_of_range"},
      {"short", List.of(12, 25), "step_ends_short"},
      {"missing", null, "steps_missing"},
      {"empty", List.of(), "step_ends_short"},
    };
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Object[] c : cases) {
      Map<String, Object> r = Corpora.row("q-" + c[0], "t", response, true);
      r.put("response_id", c[0]);
      r.put("step_ends", c[1]);
      rows.add(r);
    }
    JobRunner.run(
        spark(),
        Corpora.writeJsonLines(dir, "bad.jsonl", rows),
        dir.resolve("bad"),
        "scoring.segmenter=step-ends");
    Map<String, Row> scores = scores(dir.resolve("bad"));
    for (Object[] c : cases) {
      Row r = scores.get((String) c[0]);
      assertEquals(c[2], r.getAs("status"), c[0] + ": " + r.getAs("error"));
      if (!"ok".equals(c[2])) {
        assertNull(r.getAs("lalp"));
        Assertions.assertFalse(((String) r.getAs("error")).isBlank());
      } else {
        assertEquals(3, (int) r.getAs("n_steps"));
      }
    }
  }

  Map<String, Row> scores(Path run) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : spark().read().parquet(run.resolve("scores").toString()).collectAsList()) {
      out.put(r.getAs("response_id"), r);
    }
    return out;
  }

  @Test
  void stepEndsThatAreNotWholeNumbersAreRefusedBeforeSparkStartsInOneLine() throws Exception {
    String response = "First step.\nSecond.";
    Object[][] cases = {
      {"floats.jsonl", List.of(12.0, 19.5), "array<number>"},
      {"strings.jsonl", List.of("12", "19"), "array<string>"},
    };
    for (Object[] c : cases) {
      Map<String, Object> row = Corpora.row("q", "t", response, true);
      row.put("step_ends", c[1]);
      Path input = Corpora.writeJsonLines(dir.resolve("pre-" + c[0]), (String) c[0], List.of(row));
      ConfigError e =
          Assertions.assertThrows(
              ConfigError.class,
              () ->
                  InputPreflight.check(
                      JobArgs.demo(input, dir.resolve("out")).settings().input(),
                      StepSource.GIVEN_STEP_ENDS,
                      new Configuration()));
      Assertions.assertEquals(
          "input column 'step_ends' (input.columns.step-ends) has type "
              + c[2]
              + "; expected an array of whole numbers (code-point offsets)",
          e.getMessage());
    }
    // The same from a Parquet footer: an array of doubles.
    Path parquet = dir.resolve("doubles.parquet");
    spark()
        .sql(
            "select 'q' as prompt_id, 'p' as prompt, 't' as teacher, 'ab' as response,"
                + " array(1.0d, 2.0d) as step_ends")
        .write()
        .parquet(parquet.toString());
    ConfigError e =
        Assertions.assertThrows(
            ConfigError.class,
            () ->
                InputPreflight.check(
                    JobArgs.demo(parquet, dir.resolve("out")).settings().input(),
                    StepSource.GIVEN_STEP_ENDS,
                    new Configuration()));
    Assertions.assertTrue(e.getMessage().contains("has type array<double> in "), e.getMessage());
  }
}
