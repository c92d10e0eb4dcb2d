package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.JobArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generation lists and per-teacher columns: a generations row without an id gets row-N#i ids and a
 * null list a status of its own; wide teachers may have response templates of their own; a check
 * select.require names with no data behind it is a warning. Every run's counts reconcile.
 */
class GenerationsAndWideTest extends SparkTestBase {
  @TempDir Path tmp;

  static final ObjectMapper JSON = new ObjectMapper();

  /** The demo's first two prompts, four teachers each, flat. */
  static List<Map<String, Object>> flatRows() throws Exception {
    return Corpora.demoSlice(8);
  }

  @Test
  void generationsWithoutAnIdOrAListGetStatusesThatSayWhy() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, Object> noId = new LinkedHashMap<>();
    noId.put("prompt_id", null);
    noId.put("problem", "What is 2+2?");
    noId.put("generations", List.of("4.", "It is 4.", "Four."));
    noId.put("correctness", List.of(true, true, false));
    rows.add(noId);
    Map<String, Object> noList = new LinkedHashMap<>();
    noList.put("prompt_id", "g2");
    noList.put("problem", "What is 3+3?");
    noList.put("generations", null);
    noList.put("correctness", List.of(true));
    rows.add(noList);
    Map<String, Object> fine = new LinkedHashMap<>();
    fine.put("prompt_id", "g3");
    fine.put("problem", "What is 4+4?");
    fine.put("generations", List.of("8."));
    fine.put("correctness", List.of(true));
    rows.add(fine);
    Path run = tmp.resolve("generations-run");
    JobRunner.run(
        spark(),
        JobArgs.demo(Corpora.writeJsonLines(tmp, "gen.jsonl", rows), run)
            .set("input.shape", "generations")
            .set("input.teacher", "r1")
            .set("input.columns.prompt", "problem")
            .set("input.generations.correct", "[correctness]"));
    assertEquals(Map.of("ok", 1L, "missing_field", 4L), Reconcile.check(spark(), run, 5));
    Map<String, String> errors = new HashMap<>();
    for (Row r : Reconcile.table(spark(), run, "scores").collectAsList()) {
      errors.put(r.getAs("response_id"), r.getAs("error"));
    }
    for (int i = 0; i < 3; i++) {
      String suffix = "#" + i;
      String id =
          errors.keySet().stream()
              .filter(k -> k.startsWith("row-") && k.endsWith(suffix))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no row-N#i id in " + errors.keySet()));
      assertEquals("prompt_id is null or empty", errors.get(id));
    }
    String noListError =
        errors.entrySet().stream()
            .filter(e -> e.getValue() != null && e.getValue().contains("is null"))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow();
    assertEquals("the generations list (generations) is null", noListError);
  }

  @Test
  void aRequiredCheckWithNoDataIsAWarningAndWideTeachersHaveTemplatesOfTheirOwn() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> r : flatRows()) {
      if (!"concise-solver".equals(r.get("teacher"))) {
        continue;
      }
      Map<String, Object> wide = new LinkedHashMap<>();
      wide.put("prompt", r.get("prompt"));
      wide.put("a_attempt", "The answer is 4.");
      wide.put("a_thinking", "Think first.");
      wide.put("b_solution", r.get("response"));
      rows.add(wide);
    }
    Path run = tmp.resolve("wide-run");
    JobRunner.run(
        spark(),
        JobArgs.demo(Corpora.writeJsonLines(tmp, "wide.jsonl", rows), run)
            .set("input.shape", "wide")
            .set(
                "input.teachers",
                "{a {response = [a_attempt, a_thinking], response-template = \"<think>\\n"
                    + "{a_thinking}\\n</think>\\n\\n{a_attempt}\"}, b {response = b_solution}}")
            .set("select.top-k", 2)
            .set("output.export", "[prompt-completion]"));
    Reconcile.check(spark(), run, rows.size() * 2L);
    JsonNode warnings = JSON.readTree(run.resolve("summary.json").toFile()).path("warnings");
    assertEquals(1, warnings.size(), warnings.toString());
    Assertions.assertTrue(
        warnings.get(0).asText().startsWith("select.require names correct, but no input row has"),
        warnings.get(0).asText());
    Map<String, String> byTeacher = new HashMap<>();
    try (Stream<Path> files = Files.walk(run.resolve("export/prompt-completion/data"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        for (Row r : spark().read().parquet(f.toString()).collectAsList()) {
          List<Row> completion = r.getList(r.fieldIndex("completion"));
          byTeacher.put(r.getAs("teacher"), completion.get(0).getAs("content"));
        }
      }
    }
    assertEquals("<think>\nThink first.\n</think>\n\nThe answer is 4.", byTeacher.get("a"));
    assertEquals(rows.get(0).get("b_solution"), byTeacher.get("b"));
  }
}
