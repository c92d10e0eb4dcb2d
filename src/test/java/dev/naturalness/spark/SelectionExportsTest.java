package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.RunOutputs;
import dev.naturalness.TestStudents;
import dev.naturalness.data.RowFlag;
import dev.naturalness.report.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a selected response must pass (select.require), the funnel that counts it, and the training
 * data made from the selection, read back as a trainer would read it: every format's rows are the
 * selection's prompts and responses, byte for byte, in the files its card names.
 */
class SelectionExportsTest extends SparkTestBase {
  @TempDir Path dir;

  static final ObjectMapper JSON = new ObjectMapper();

  /** The demo's four prompts as OpenR1-Math rows, with labels and completeness to select by. */
  static List<Map<String, Object>> openR1Rows() throws IOException {
    Map<String, List<Map<String, Object>>> byPrompt = new LinkedHashMap<>();
    for (Map<String, Object> r : Corpora.demoSlice(16)) {
      byPrompt.computeIfAbsent((String) r.get("prompt"), k -> new ArrayList<>()).add(r);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    int p = 0;
    for (Map.Entry<String, List<Map<String, Object>>> e : byPrompt.entrySet()) {
      List<String> generations = new ArrayList<>();
      List<Boolean> correct = new ArrayList<>();
      for (Map<String, Object> r : e.getValue()) {
        generations.add((String) r.get("response"));
        // The second prompt: every answer wrong, so it has no candidate.
        correct.add(p != 1 && (Boolean) r.get("correct"));
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("problem", e.getKey());
      row.put("generations", generations);
      row.put("correctness_math_verify", correct);
      // The first prompt: only its third generation finished its reasoning.
      row.put(
          "is_reasoning_complete",
          p == 0 ? List.of(false, false, true, false) : List.of(true, true, true, true));
      row.put("source", "olympiad-" + p);
      rows.add(row);
      p++;
    }
    return rows;
  }

  static List<JsonNode> jsonLines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  /** A table written as JSON Lines (output.format = json): every row of its part files. */
  static List<JsonNode> jsonTable(Path table) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(table)) {
      for (Path f :
          files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        out.addAll(jsonLines(f));
      }
    }
    return out;
  }

  /** The files of one export, relative to its folder, in order. */
  static List<String> dataFiles(Path export) throws IOException {
    try (Stream<Path> files = Files.walk(export.resolve("data"))) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith("."))
          .map(f -> export.relativize(f).toString())
          .sorted()
          .toList();
    }
  }

  static Map<String, String> turn(JsonNode t, String role, String content) {
    return Map.of(role, t.get(role).asText(), content, t.get(content).asText());
  }

  static List<Map<String, String>> turns(JsonNode list, String role, String content) {
    List<Map<String, String>> out = new ArrayList<>();
    list.forEach(t -> out.add(turn(t, role, content)));
    return out;
  }

  @Test
  void theRequiredChecksDecideTheSelectionTheFunnelAddsUpAndEveryExportHoldsIt() throws Exception {
    List<Map<String, Object>> rows = openR1Rows();
    Path input = Corpora.writeJsonLines(dir, "openr1.jsonl", rows);
    Path run = dir.resolve("run");
    JobRunner.run(
        spark(),
        JobArgs.demo(input, run)
            .set("input.shape", "generations")
            .set("input.teacher", "deepseek-r1")
            .set("input.columns.prompt", "problem")
            .set("input.generations.correct", "[correctness_math_verify]")
            .set("input.generations.complete", "is_reasoning_complete")
            .set("select.require", "[correct, complete]")
            .set("output.format", "json")
            .set("output.export", "[messages, prompt-completion, sharegpt, alpaca, pairs]"));

    Map<String, JsonNode> scores = new HashMap<>();
    for (JsonNode s : jsonTable(run.resolve("scores"))) {
      scores.put(s.get("response_id").asText(), s);
    }
    List<JsonNode> selected = jsonTable(run.resolve("selected"));
    Map<String, JsonNode> selectedByPrompt = new TreeMap<>();
    for (JsonNode s : selected) {
      selectedByPrompt.put(s.get("problem").asText(), s);
      List<String> flags = new ArrayList<>();
      scores.get(s.get("response_id").asText()).get("flags").forEach(f -> flags.add(f.asText()));
      Assertions.assertFalse(flags.contains(RowFlag.INCORRECT.code()), flags.toString());
      Assertions.assertFalse(flags.contains(RowFlag.CUT_OFF.code()), flags.toString());
    }
    assertEquals(3, selected.size(), "the prompt whose answers are all wrong has none");
    @SuppressWarnings("unchecked")
    List<String> first = (List<String>) rows.get(0).get("generations");
    assertEquals(
        first.get(2),
        selectedByPrompt.get((String) rows.get(0).get("problem")).get("response").asText(),
        "the only complete generation of the first prompt");
    Assertions.assertFalse(selectedByPrompt.containsKey((String) rows.get(1).get("problem")));

    RunSummary.Funnel funnel = RunOutputs.summary(run).funnel().get(0);
    assertEquals(16, funnel.rows());
    assertEquals(scores.size(), funnel.rows(), "every generation a row of scores/");
    assertEquals(16, funnel.scored());
    // The second prompt's four, and the first prompt's sloppy guess.
    assertEquals(5, funnel.flagged().get(RowFlag.INCORRECT.code()));
    assertEquals(3, funnel.flagged().get(RowFlag.CUT_OFF.code()));
    Map<String, Long> steps = new LinkedHashMap<>();
    steps.put("scored", 16L);
    steps.put("passes correct", 11L);
    steps.put("passes complete", 9L);
    steps.put("candidates", 9L);
    steps.put("prompts with a candidate", 3L);
    assertEquals(steps, funnel.steps());
    assertEquals(3, funnel.selected());

    checkExports(run, selected, scores);
    Assertions.assertTrue(
        Files.readString(run.resolve("report.html")).contains("passes complete"),
        "the report draws the funnel");
  }

  /** Each format read back: its files as its card names them, its rows the selection's texts. */
  static void checkExports(Path run, List<JsonNode> selected, Map<String, JsonNode> scores)
      throws IOException {
    Map<String, JsonNode> byId = new HashMap<>();
    for (JsonNode s : selected) {
      byId.put(s.get("response_id").asText(), s);
    }
    Map<String, RunSummary.Export> exports = new HashMap<>();
    for (RunSummary.Export e : RunOutputs.summary(run).exports()) {
      exports.put(e.format(), e);
    }
    assertEquals(
        Set.of("messages", "prompt-completion", "sharegpt", "alpaca", "pairs"), exports.keySet());
    for (String format : exports.keySet()) {
      Path folder = run.resolve("export").resolve(format);
      List<String> files = dataFiles(folder);
      assertEquals(List.of("data/train/train-00000-of-00001.jsonl"), files, format);
      String card = Files.readString(folder.resolve("README.md"));
      Assertions.assertTrue(
          card.startsWith(
              "---\nconfigs:\n- config_name: \"default\"\n  data_files:\n  - split: train\n"
                  + "    path:\n    - \"data/train/train-00000-of-00001.jsonl\"\n"
                  + "dataset_info:\n- config_name: \"default\"\n  features:\n"),
          card);
      List<JsonNode> rows = jsonLines(folder.resolve(files.get(0)));
      assertEquals(exports.get(format).rows(), rows.size(), format + ": summary.json's count");
      Assertions.assertTrue(
          card.contains("| demo-student | train | deepseek-r1 | " + rows.size() + " |"), card);
      for (JsonNode r : rows) {
        String id = r.get("response_id").asText();
        JsonNode s = byId.get(id);
        if (format.equals("pairs")) {
          checkPair(r, s, scores);
          continue;
        }
        Assertions.assertNotNull(s, format + " row " + id + " is not in selected/");
        String prompt = s.get("prompt").asText();
        String response = s.get("response").asText();
        assertEquals(s.get("lalp").asDouble(), r.get("lalp").asDouble(), format);
        assertEquals(s.get("prompt_id").asText(), r.get("prompt_id").asText(), format);
        switch (format) {
          case "messages" ->
              assertEquals(
                  List.of(
                      Map.of("role", "user", "content", prompt),
                      Map.of("role", "assistant", "content", response)),
                  turns(r.get("messages"), "role", "content"));
          case "prompt-completion" -> {
            assertEquals(
                List.of(Map.of("role", "user", "content", prompt)),
                turns(r.get("prompt"), "role", "content"));
            assertEquals(
                List.of(Map.of("role", "assistant", "content", response)),
                turns(r.get("completion"), "role", "content"));
          }
          case "sharegpt" ->
              assertEquals(
                  List.of(
                      Map.of("from", "human", "value", prompt),
                      Map.of("from", "gpt", "value", response)),
                  turns(r.get("conversations"), "from", "value"));
          case "alpaca" -> {
            assertEquals(prompt, r.get("instruction").asText());
            assertEquals("", r.get("input").asText());
            assertEquals(response, r.get("output").asText());
            assertEquals(0, r.get("history").size());
          }
          default -> Assertions.fail(format);
        }
      }
      if (!format.equals("pairs")) {
        assertEquals(selected.size(), rows.size(), format + ": one row per selected response");
      }
    }
    JsonNode info = JSON.readTree(run.resolve("export/dataset_info.json").toFile());
    JsonNode entry = info.get("naturalness_sharegpt");
    assertEquals("sharegpt", entry.get("formatting").asText());
    assertEquals("sharegpt/data/train", entry.get("file_name").asText());
  }

  /** A pair: the selected response against the lowest-LALP candidate of its prompt. */
  static void checkPair(JsonNode pair, JsonNode chosen, Map<String, JsonNode> scores) {
    Assertions.assertNotNull(chosen, "a pair's chosen response is the selected one");
    String promptId = chosen.get("prompt_id").asText();
    JsonNode lowest = null;
    int candidates = 0;
    for (JsonNode s : scores.values()) {
      List<String> flags = new ArrayList<>();
      s.get("flags").forEach(f -> flags.add(f.asText()));
      boolean candidate =
          s.get("prompt_id").asText().equals(promptId)
              && s.get("status").asText().equals("ok")
              && !flags.contains(RowFlag.INCORRECT.code())
              && !flags.contains(RowFlag.CUT_OFF.code());
      if (candidate) {
        candidates++;
        if (lowest == null || s.get("lalp").asDouble() < lowest.get("lalp").asDouble()) {
          lowest = s;
        }
      }
    }
    Assertions.assertTrue(candidates >= 2, "a prompt with one candidate gives no pair");
    assertEquals(lowest.get("response_id").asText(), pair.get("rejected_response_id").asText());
    double chosenLalp = pair.get("lalp").asDouble();
    double rejectedLalp = pair.get("rejected_lalp").asDouble();
    Assertions.assertTrue(chosenLalp > rejectedLalp, pair.toString());
    assertEquals(chosenLalp - rejectedLalp, pair.get("margin").asDouble(), 1e-12);
    assertEquals(
        chosen.get("response").asText(), pair.get("chosen").get(0).get("content").asText());
    assertEquals("assistant", pair.get("rejected").get(0).get("role").asText());
    assertEquals(chosen.get("prompt").asText(), pair.get("prompt").get(0).get("content").asText());
  }

  /**
   * Three teachers that gave one prompt the same response make no pair, however packing noise set
   * their scores; the prompt is counted as left out, by reason, in summary.json and the card.
   */
  @Test
  void teachersThatGaveTheSameTextMakeNoPairAndThePromptIsCountedAsLeftOut() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String teacher : List.of("a", "b", "c")) {
      rows.add(Corpora.row("same", teacher, "4 + 1 = 5.\n\nAva has 5 apples.", true));
    }
    rows.add(Corpora.row("apart", "a", "5 + 3 = 8.\n\nAva has 8 apples.", true));
    rows.add(Corpora.row("apart", "b", "Apples: 5, plus 3.\n\nSo 8, I guess? Maybe 9.", true));
    Path input = Corpora.writeJsonLines(dir, "same.jsonl", rows);
    Path run = dir.resolve("run");
    JobRunner.run(
        spark(),
        JobArgs.demo(input, run)
            .set("output.format", "json")
            .set("output.export", "[pairs, pairs-sharegpt]"));
    for (String format : List.of("pairs", "pairs-sharegpt")) {
      RunSummary.Export e =
          RunOutputs.summary(run).exports().stream()
              .filter(x -> x.format().equals(format))
              .findFirst()
              .orElseThrow();
      assertEquals(1, e.rows(), format);
      assertEquals(
          Map.of("demo-student", Map.of("chosen and rejected are the same text", 1L)),
          e.leftOut(),
          format);
      Path folder = run.resolve("export").resolve(format);
      List<JsonNode> pairs = jsonLines(folder.resolve("data/train/train-00000-of-00001.jsonl"));
      assertEquals(1, pairs.size(), format);
      assertEquals("apart", pairs.get(0).get("prompt_id").asText(), format);
      Assertions.assertTrue(
          Files.readString(folder.resolve("README.md"))
              .contains("chosen and rejected are the same text"),
          format + ": the card counts the prompt");
    }
  }

  @Test
  void aTeacherOfTheStudentsOwnFamilyIsMarkedAndEachStudentHasItsOwnExport() throws Exception {
    Path input = Corpora.writeJsonLines(dir, "demo.jsonl", Corpora.demoSlice(16));
    Path run = dir.resolve("run");
    Path student = TestStudents.demoCopy(dir, "family-student", "family = demo-family\n");
    JobRunner.run(
        spark(),
        JobArgs.demo(input, run)
            .set(
                "student.path",
                "[\"" + DemoStudent.DIR.toAbsolutePath() + "\", \"" + student + "\"]")
            .set("input.teacher-families", "{concise-solver = demo-family, sloppy-guesser = other}")
            .set("output.export", "[messages]"));

    Map<String, Object[]> family = new TreeMap<>();
    for (Row t : spark().read().parquet(run.resolve("teachers").toString()).collectAsList()) {
      family.put(
          t.getAs("student") + "/" + t.getAs("teacher"),
          new Object[] {t.getAs("teacher_family"), t.getAs("same_family")});
    }
    assertEquals(
        Arrays.asList("demo-family", true),
        Arrays.asList(family.get("family-student/concise-solver")));
    assertEquals(
        Arrays.asList("other", false), Arrays.asList(family.get("family-student/sloppy-guesser")));
    assertEquals(
        Arrays.asList(null, null),
        Arrays.asList(family.get("family-student/looping-thinker")),
        "family unknown");
    assertEquals(
        Arrays.asList("demo-family", null),
        Arrays.asList(family.get("demo-student/concise-solver")),
        "the demo student says no family");
    String report = Files.readString(run.resolve("report.html"));
    Assertions.assertTrue(
        report.contains(
            "The top teacher, concise-solver, is of student family-student's own family"),
        "concise-solver ranks first in the demo; the report warns");

    Path export = run.resolve("export/messages");
    assertEquals(
        List.of(
            "data/demo-student/train/train-00000-of-00001.parquet",
            "data/family-student/train/train-00000-of-00001.parquet"),
        dataFiles(export));
    String card = Files.readString(export.resolve("README.md"));
    Assertions.assertTrue(
        card.contains("- config_name: \"demo-student\"\n  default: true\n"), card);
    Assertions.assertTrue(card.contains("- config_name: \"family-student\"\n"), card);
    List<Row> selected = spark().read().parquet(run.resolve("selected").toString()).collectAsList();
    Map<String, String> responses = new HashMap<>();
    for (Row s : selected) {
      responses.put(s.getAs("student") + "/" + s.getAs("response_id"), s.getAs("response"));
    }
    int exported = 0;
    for (String s : List.of("demo-student", "family-student")) {
      for (Row r :
          spark()
              .read()
              .parquet(export.resolve("data").resolve(s).resolve("train").toString())
              .collectAsList()) {
        List<Row> messages = r.getList(r.fieldIndex("messages"));
        assertEquals(s, r.getAs("student"));
        assertEquals(
            responses.get(s + "/" + r.getAs("response_id")),
            messages.get(messages.size() - 1).getAs("content"));
        exported++;
      }
    }
    assertEquals(selected.size(), exported);
  }

  @Test
  void aLabelFixedSinceTheLastNightIsReadAfreshThoughItsScoresComeFromTheCache() throws Exception {
    List<Map<String, Object>> night1 = Corpora.demoSlice(16);
    List<Map<String, Object>> night2 = Corpora.demoSlice(16);
    // p0000's sloppy guess was labelled wrong; the next night's data says it is right.
    night2.get(3).put("correct", true);
    String cache = "incremental.cache=" + dir.resolve("cache");
    JobRunner.run(
        spark(), Corpora.writeJsonLines(dir, "n1.jsonl", night1), dir.resolve("n1"), cache);
    JobRunner.run(
        spark(), Corpora.writeJsonLines(dir, "n2.jsonl", night2), dir.resolve("n2"), cache);
    RunSummary second = RunOutputs.summary(dir.resolve("n2"));
    assertEquals(16, second.counts().reused(), "every score from the cache");
    assertEquals(
        2,
        second.funnel().get(0).flagged().get(RowFlag.INCORRECT.code()),
        "p0001's two wrong answers; p0000's is right now");
    for (Row r : spark().read().parquet(dir.resolve("n2/scores").toString()).collectAsList()) {
      if (r.getAs("teacher").equals("sloppy-guesser") && r.getAs("prompt_id").equals("p0000")) {
        assertEquals(List.of(), r.getList(r.fieldIndex("flags")), "the label of this night");
      }
    }
  }
}
