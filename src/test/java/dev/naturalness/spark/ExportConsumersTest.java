package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.Processes;
import dev.naturalness.RealStudent;
import dev.naturalness.RunOutputs;
import dev.naturalness.Slow;
import dev.naturalness.report.RunSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exports read by their consumers' own code (src/test/python/consumers.py, in the project's
 * Python environment: datasets.load_dataset on each export folder, LLaMA-Factory's get_dataset on
 * dataset_info.json, TRL's SFTTrainer and DPOTrainer training two steps, pyarrow on the tables) and
 * by a reader that shares no code with the writer (DuckDB): two students (the demo student and the
 * real SmolLM2 student, whose chat template LLaMA-Factory's must render as the job scored), a
 * held-out split, chats whose prompts LLaMA-Factory's formats cannot all hold, a prompt with one
 * response (no pair). axolotl's reading stays restated (it cannot share the environment; see
 * docs/outputs.md).
 */
@Slow
class ExportConsumersTest extends SparkTestBase {
  @TempDir Path tmp;

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ALL =
      "[messages, prompt-completion, sharegpt, alpaca, pairs, pairs-sharegpt]";
  static final double TEST_SHARE = 0.3;
  static final String SMOLLM2 = "smollm2-135m-instruct";
  static final long SEED = 11;

  static Map<String, Object> turn(String role, String content) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("role", role);
    t.put("content", content);
    return t;
  }

  /** What each prompt's turns are, before the response (by the prompt's own key). */
  static final Map<String, List<Map<String, Object>>> PROMPTS = new LinkedHashMap<>();

  /**
   * Chats over the demo's prompts: plain, with a system turn, with history, two user turns in a
   * row, a system turn in the middle, a leading assistant turn, and a prompt with one response.
   */
  static List<Map<String, Object>> chats() throws Exception {
    List<Map<String, Object>> demo = Corpora.demoSlice(40);
    Map<String, List<Map<String, Object>>> byPrompt = new LinkedHashMap<>();
    for (Map<String, Object> r : demo) {
      byPrompt.computeIfAbsent((String) r.get("prompt"), k -> new ArrayList<>()).add(r);
    }
    List<String> prompts = new ArrayList<>(byPrompt.keySet());
    PROMPTS.clear();
    PROMPTS.put("plain", List.of(turn("user", prompts.get(0))));
    PROMPTS.put("system", List.of(turn("system", "Be brief."), turn("user", prompts.get(1))));
    PROMPTS.put(
        "history",
        List.of(turn("user", "Hi"), turn("assistant", "Hello."), turn("user", prompts.get(2))));
    PROMPTS.put("two-users", List.of(turn("user", "Read this."), turn("user", prompts.get(3))));
    PROMPTS.put(
        "system-late",
        List.of(turn("user", "Hi"), turn("system", "Be brief."), turn("user", prompts.get(4))));
    PROMPTS.put(
        "assistant-first", List.of(turn("assistant", "Ask me."), turn("user", prompts.get(5))));
    PROMPTS.put("single", List.of(turn("user", prompts.get(6))));
    List<Map<String, Object>> rows = new ArrayList<>();
    int p = 0;
    for (Map.Entry<String, List<Map<String, Object>>> e : PROMPTS.entrySet()) {
      List<Map<String, Object>> responses = byPrompt.get(prompts.get(p++));
      int n = e.getKey().equals("single") ? 1 : 3;
      for (Map<String, Object> r : responses.subList(0, n)) {
        List<Map<String, Object>> messages = new ArrayList<>(e.getValue());
        messages.add(turn("assistant", (String) r.get("response")));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("messages", messages);
        row.put("teacher", r.get("teacher"));
        row.put("kind", e.getKey());
        rows.add(row);
      }
    }
    return rows;
  }

  /** The turns with consecutive turns of one role merged (LLaMA-Factory's formats). */
  static List<List<String>> merged(List<Map<String, Object>> turns) {
    List<List<String>> out = new ArrayList<>();
    for (Map<String, Object> t : turns) {
      String role = (String) t.get("role");
      String content = (String) t.get("content");
      if (!out.isEmpty() && out.get(out.size() - 1).get(0).equals(role)) {
        List<String> last = out.remove(out.size() - 1);
        out.add(List.of(role, last.get(1) + "\n\n" + content));
      } else {
        out.add(List.of(role, content));
      }
    }
    return out;
  }

  /** Whether a prompt is held out: the rule the job documents, computed here from scratch. */
  static boolean heldOut(String promptId) throws Exception {
    byte[] d =
        MessageDigest.getInstance("SHA-256")
            .digest((promptId + SEED).getBytes(StandardCharsets.UTF_8));
    long bits = 0;
    for (int i = 0; i < 7; i++) {
      bits = (bits << 8) | (d[i] & 0xff);
    }
    bits >>>= 4; // the first 52 bits (13 hex digits)
    return bits / Math.pow(2, 52) < TEST_SHARE;
  }

  /** Rows of a Parquet file or folder through DuckDB, as JSON objects. */
  static List<JsonNode> duckdb(Connection db, Path parquet) throws Exception {
    String glob =
        Files.isDirectory(parquet)
            ? parquet.resolve("**/*.parquet").toString()
            : parquet.toString();
    List<JsonNode> out = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT to_json(t) FROM read_parquet('" + glob + "', union_by_name=true) t")) {
      while (r.next()) {
        out.add(JSON.readTree(r.getString(1)));
      }
    }
    return out;
  }

  /** Each column of a Parquet file with the type DuckDB reads it as. */
  static Map<String, String> duckdbTypes(Connection db, Path parquet) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + parquet + "')")) {
      while (r.next()) {
        out.put(r.getString("column_name"), r.getString("column_type"));
      }
    }
    return out;
  }

  /** A card's feature as the DuckDB type of the column it declares (dtype names of datasets). */
  static String duckdbType(JsonNode feature) {
    if (feature.has("dtype")) {
      return switch (feature.get("dtype").asText()) {
        case "string" -> "VARCHAR";
        case "float64" -> "DOUBLE";
        case "int32" -> "INTEGER";
        case "int64" -> "BIGINT";
        case "bool" -> "BOOLEAN";
        default -> throw new AssertionError(feature.toString());
      };
    }
    if (feature.has("struct")) {
      return structType(feature.get("struct"));
    }
    JsonNode list = feature.get("list");
    if (list.isTextual()) {
      return duckdbType(JSON.createObjectNode().put("dtype", list.asText())) + "[]";
    }
    return (list.isArray() ? structType(list) : duckdbType(list)) + "[]";
  }

  static String structType(JsonNode fields) {
    List<String> parts = new ArrayList<>();
    fields.forEach(f -> parts.add("\"" + f.get("name").asText() + "\" " + duckdbType(f)));
    return "STRUCT(" + String.join(", ", parts) + ")";
  }

  /** The card's YAML header, read by Python's yaml and given back as JSON. */
  static JsonNode cardYaml(Path card) throws Exception {
    Processes.Outcome o =
        Processes.command(
                RealStudent.python(),
                "-c",
                "import json, sys, yaml; t = open(sys.argv[1]).read(); "
                    + "print(json.dumps(yaml.safe_load(t[4:t.index('\\n---\\n', 4)])))",
                card.toString())
            .run(Duration.ofMinutes(1));
    assertEquals(0, o.exit(), o.output());
    return JSON.readTree(o.stdout());
  }

  /** The run's outputs read by their consumers (consumers.py's report). */
  static JsonNode consumers(Path run) throws Exception {
    Path report = run.resolveSibling(run.getFileName() + "-consumers.json");
    Processes.Outcome o =
        Processes.command(
                RealStudent.python(),
                "src/test/python/consumers.py",
                run.toString(),
                report.toString(),
                RealStudent.dir().toString())
            .run(Duration.ofMinutes(10));
    assertEquals(0, o.exit(), o.output());
    return JSON.readTree(report.toFile());
  }

  @Test
  void everyFormatOfTwoStudentsLoadsInItsConsumersAsTheScoredConversation() throws Exception {
    RealStudent.require();
    List<Map<String, Object>> rows = chats();
    Path input = Corpora.writeJsonLines(tmp, "chats.jsonl", rows);
    Path other = RealStudent.dir();
    Path run = tmp.resolve("run");
    JobRunner.run(
        spark(),
        JobArgs.demo(input, run)
            .set("input.shape", "messages")
            .set(
                "student.path", "[\"" + DemoStudent.DIR.toAbsolutePath() + "\", \"" + other + "\"]")
            .set("output.export", ALL)
            .set("output.export-test-share", TEST_SHARE)
            .set("output.export-test-seed", SEED)
            .set("output.export-license", "apache-2.0"));
    Reconcile.check(spark(), run, rows.size());
    Path export = run.resolve("export");

    try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
      // selected/: one row per prompt and student, read by DuckDB.
      Map<String, JsonNode> selected = new HashMap<>();
      for (JsonNode s : duckdb(db, run.resolve("selected"))) {
        selected.put(s.get("student").asText() + "/" + s.get("response_id").asText(), s);
      }
      assertEquals(2 * PROMPTS.size(), selected.size());
      JsonNode report = consumers(run);
      assertEquals(List.of(), list(report.get("problems")), "what a consumer would refuse");
      System.out.println("consumers: " + report.get("versions"));

      Map<String, Set<String>> testPrompts = new TreeMap<>();
      for (String format :
          List.of(
              "messages", "prompt-completion", "sharegpt", "alpaca", "pairs", "pairs-sharegpt")) {
        checkFormat(db, export.resolve(format), format, selected, testPrompts);
      }
      Set<Set<String>> distinct = new HashSet<>(testPrompts.values());
      Assertions.assertTrue(
          distinct.size() <= 2, "the same prompts held out in every format: " + testPrompts);
      checkLlamaFactory(report.get("llama_factory"), selected);
      checkDatasets(report.get("datasets"), selected);
      checkTrl(report.get("trl"));
      checkTypes(report.get("pyarrow"));
    }
    RunSummary summary = RunOutputs.summary(run);
    Map<String, RunSummary.Export> exports = new HashMap<>();
    summary.exports().forEach(e -> exports.put(e.format(), e));
    assertEquals(
        Map.of(
            "demo-student",
            Map.of("starts_with_assistant", 1L, "system_turn_not_first", 1L),
            SMOLLM2,
            Map.of("starts_with_assistant", 1L, "system_turn_not_first", 1L)),
        exports.get("sharegpt").leftOut(),
        "counted by reason, per student");
    assertEquals(Map.of(), exports.get("prompt-completion").leftOut(), "TRL holds every prompt");
    try (Stream<Path> all = Files.walk(export)) {
      List<String> names =
          all.filter(Files::isRegularFile)
              .map(f -> f.getFileName().toString())
              .filter(n -> !n.equals("README.md") && !n.equals("dataset_info.json"))
              .filter(n -> !n.matches("(train|test)-\\d{5}-of-\\d{5}\\.parquet"))
              .toList();
      assertEquals(List.of(), names, "export/ holds the cards, dataset_info.json and data only");
    }
  }

  private static List<String> list(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(a -> out.add(a.asText()));
    return out;
  }

  /**
   * One format: its card's features are the files' real types, its rows the selection's prompts (as
   * the format holds them) and responses, its splits disjoint by prompt.
   */
  void checkFormat(
      Connection db,
      Path folder,
      String format,
      Map<String, JsonNode> selected,
      Map<String, Set<String>> testPrompts)
      throws Exception {
    JsonNode meta = cardYaml(folder.resolve("README.md"));
    assertEquals("apache-2.0", meta.get("license").asText(), format);
    assertEquals("text-generation", meta.get("task_categories").get(0).asText());
    assertEquals("n<1K", meta.get("size_categories").get(0).asText());
    Map<String, JsonNode> infos = new HashMap<>();
    meta.get("dataset_info").forEach(i -> infos.put(i.get("config_name").asText(), i));
    boolean pairs = format.startsWith("pairs");
    for (JsonNode config : meta.get("configs")) {
      String student = config.get("config_name").asText();
      JsonNode info = infos.get(student);
      Set<String> trainPrompts = new TreeSet<>();
      Set<String> heldOut = new TreeSet<>();
      for (JsonNode split : config.get("data_files")) {
        String name = split.get("split").asText();
        for (JsonNode file : split.get("path")) {
          Path f = folder.resolve(file.asText());
          Map<String, String> types = duckdbTypes(db, f);
          Map<String, String> declared = new LinkedHashMap<>();
          info.get("features").forEach(x -> declared.put(x.get("name").asText(), duckdbType(x)));
          assertEquals(declared, types, format + ": the card's features are the file's types");
          for (JsonNode r : duckdb(db, f)) {
            String promptId = r.get("prompt_id").asText();
            assertEquals(heldOut(promptId), name.equals("test"), format + " " + promptId);
            (name.equals("test") ? heldOut : trainPrompts).add(promptId);
            assertEquals(student, r.get("student").asText());
            if (!pairs) {
              checkRow(format, r, selected.get(student + "/" + r.get("response_id").asText()));
            }
          }
        }
      }
      Assertions.assertTrue(
          Collections.disjoint(trainPrompts, heldOut), format + ": splits share prompts");
      testPrompts.put(format + "/" + student, heldOut);
    }
  }

  /** A row of a one-response format against the selected row it came from. */
  static void checkRow(String format, JsonNode r, JsonNode s) throws Exception {
    Assertions.assertNotNull(s, format + ": " + r.get("response_id") + " is not in selected/");
    String kind = s.get("kind").asText();
    List<Map<String, Object>> prompt = PROMPTS.get(kind);
    String response = s.get("response").asText();
    assertEquals(s.get("lalp").asDouble(), r.get("lalp").asDouble(), 0.0, format);
    switch (format) {
      case "prompt-completion" -> {
        assertEquals(pairsOf(prompt), turns(r.get("prompt"), "role", "content"), kind);
        assertEquals(
            List.of(List.of("assistant", response)), turns(r.get("completion"), "role", "content"));
      }
      case "messages" -> {
        List<List<String>> expected = new ArrayList<>(merged(prompt));
        expected.add(List.of("assistant", response));
        assertEquals(expected, turns(r.get("messages"), "role", "content"), kind);
      }
      case "sharegpt" -> {
        List<List<String>> expected = new ArrayList<>();
        for (List<String> t : merged(prompt)) {
          expected.add(
              List.of(
                  t.get(0).equals("user")
                      ? "human"
                      : t.get(0).equals("assistant") ? "gpt" : "system",
                  t.get(1)));
        }
        expected.add(List.of("gpt", response));
        assertEquals(expected, turns(r.get("conversations"), "from", "value"), kind);
        Assertions.assertFalse(r.has("system"), "no system column: a system prompt is a turn");
      }
      case "alpaca" -> {
        List<List<String>> m = merged(prompt);
        boolean system = m.get(0).get(0).equals("system");
        assertEquals(system ? m.get(0).get(1) : null, textOrNull(r.get("system")), kind);
        assertEquals(m.get(m.size() - 1).get(1), r.get("instruction").asText());
        assertEquals(response, r.get("output").asText());
        assertEquals((m.size() - (system ? 1 : 0) - 1) / 2, r.get("history").size(), kind);
      }
      default -> Assertions.fail(format);
    }
  }

  /** LLaMA-Factory's converters made of every row what was scored: system, prompt, response. */
  static void checkLlamaFactory(JsonNode entries, Map<String, JsonNode> selected) {
    List<String> names = new ArrayList<>();
    entries.fieldNames().forEachRemaining(names::add);
    Assertions.assertTrue(
        names.containsAll(
            List.of(
                "naturalness_messages_demo-student",
                "naturalness_sharegpt_" + SMOLLM2,
                "naturalness_alpaca_demo-student",
                "naturalness_pairs-sharegpt_demo-student")),
        names.toString());
    for (String name : names) {
      JsonNode entry = entries.get(name);
      assertEquals(0, entry.get("dropped").asInt(), name + ": LLaMA-Factory drops no row");
      assertEquals(entry.get("file_rows").asInt(), entry.get("kept").asInt(), name);
      if (name.contains(SMOLLM2)) {
        assertEquals(0, entry.get("rendered_differ").asInt(), name + ": renders the scored prompt");
        Assertions.assertTrue(entry.get("rendered_equal").asInt() > 0, name + ": " + entry);
      }
      if (name.contains("pairs")) {
        for (JsonNode c : entry.get("converted")) {
          assertEquals(2, c.get("response").size(), name + ": chosen and rejected");
        }
        continue;
      }
      String student = name.contains(SMOLLM2) ? SMOLLM2 : "demo-student";
      for (JsonNode c : entry.get("converted")) {
        JsonNode s = selected.get(student + "/" + c.get("response_id").asText());
        List<List<String>> prompt = merged(PROMPTS.get(s.get("kind").asText()));
        String system = prompt.get(0).get(0).equals("system") ? prompt.remove(0).get(1) : null;
        assertEquals(
            system == null ? "" : system,
            textOrNull(c.get("system")) == null ? "" : c.get("system").asText(),
            name);
        assertEquals(prompt, turns(c.get("prompt"), "role", "content"), name);
        assertEquals(
            List.of(List.of("assistant", s.get("response").asText())),
            turns(c.get("response"), "role", "content"),
            name + ": the scored response, byte for byte");
      }
    }
  }

  static String textOrNull(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  static List<List<String>> pairsOf(List<Map<String, Object>> turns) {
    List<List<String>> out = new ArrayList<>();
    turns.forEach(t -> out.add(List.of((String) t.get("role"), (String) t.get("content"))));
    return out;
  }

  static List<List<String>> turns(JsonNode list, String role, String content) {
    List<List<String>> out = new ArrayList<>();
    list.forEach(t -> out.add(List.of(t.get(role).asText(), t.get(content).asText())));
    return out;
  }

  @Test
  void anExportWithNoRowsIsNotWrittenAndSaysWhyAndJsonLinesLoadToo() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> r : Corpora.demoSlice(12)) {
      if (r.get("teacher").equals("concise-solver")) {
        rows.add(r);
      }
    }
    Path run = tmp.resolve("single");
    JobRunner.run(
        spark(),
        JobArgs.demo(Corpora.writeJsonLines(tmp, "one-each.jsonl", rows), run)
            .set("output.format", "json")
            .set("output.export", "[sharegpt, pairs, pairs-sharegpt]"));
    Reconcile.check(spark(), run, rows.size());
    RunSummary summary = RunOutputs.summary(run);
    Map<String, RunSummary.Export> exports = new HashMap<>();
    summary.exports().forEach(e -> exports.put(e.format(), e));
    for (String pairs : List.of("pairs", "pairs-sharegpt")) {
      Assertions.assertTrue(
          exports.get(pairs).notWritten().startsWith("not written: no rows (student demo-student"),
          exports.get(pairs).notWritten());
      Assertions.assertFalse(Files.exists(run.resolve("export").resolve(pairs)));
      Assertions.assertTrue(
          summary.warnings().stream()
              .anyMatch(w -> w.startsWith("export " + pairs + " is not written")),
          summary.warnings().toString());
    }
    assertEquals(3, exports.get("sharegpt").rows());
    RealStudent.require();
    JsonNode report = consumers(run);
    assertEquals(List.of(), list(report.get("problems")));
    assertEquals(
        3, report.get("datasets").get("sharegpt").get("default").get("train").get("rows").asInt());
    assertEquals(
        Set.of("naturalness_sharegpt"),
        Set.copyOf(iterate(report.get("llama_factory").fieldNames())),
        "no entry for a format that was not written");
    assertEquals(3, report.get("llama_factory").get("naturalness_sharegpt").get("kept").asInt());
  }

  static List<String> iterate(Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  /** datasets read every format's every config and split, as many rows as DuckDB reads there. */
  static void checkDatasets(JsonNode formats, Map<String, JsonNode> selected) {
    for (String format :
        List.of("messages", "prompt-completion", "sharegpt", "alpaca", "pairs", "pairs-sharegpt")) {
      JsonNode configs = formats.get(format);
      Assertions.assertNotNull(configs, format + " not loaded");
      assertEquals(Set.of("demo-student", SMOLLM2), Set.copyOf(iterate(configs.fieldNames())));
      configs.forEach(
          c -> {
            assertEquals(Set.of("train", "test"), Set.copyOf(iterate(c.fieldNames())), format);
            Assertions.assertTrue(c.get("train").get("rows").asInt() > 0, format);
          });
    }
    long prompts =
        selected.values().stream().filter(s -> s.get("student").asText().equals(SMOLLM2)).count();
    JsonNode pc = formats.get("prompt-completion").get(SMOLLM2);
    assertEquals(
        prompts,
        pc.get("train").get("rows").asLong() + pc.get("test").get("rows").asLong(),
        "prompt-completion holds every selected prompt");
  }

  /** Two optimizer steps of each trainer on our rows, with finite losses. */
  static void checkTrl(JsonNode trl) {
    for (String kind : List.of("sft", "dpo")) {
      JsonNode t = trl.get(kind);
      Assertions.assertNotNull(t, kind + " did not train");
      assertEquals(t.get("rows").asInt(), t.get("prepared").asInt(), kind + ": every row prepared");
      assertEquals(2, t.get("losses").size(), kind);
      t.get("losses").forEach(l -> Assertions.assertTrue(Double.isFinite(l.asDouble()), kind));
      Assertions.assertTrue(t.get("second_batch_is_ours").asBoolean(), kind);
      System.out.println("  " + kind + " losses " + t.get("losses"));
    }
  }

  /** pyarrow reads every table's columns with the types docs/outputs.md promises. */
  static void checkTypes(JsonNode pyarrow) throws Exception {
    Map<String, Map<String, String>> promised = DocumentedTypes.read();
    promised.forEach(
        (table, columns) ->
            columns.forEach(
                (column, type) -> {
                  JsonNode got = pyarrow.get(table).get(column);
                  Assertions.assertNotNull(got, table + "." + column + " is not in the files");
                  assertEquals(type, got.asText(), table + "." + column);
                }));
  }
}
