package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.RunOutputs;
import dev.naturalness.TestStudents;
import dev.naturalness.report.RunSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fourth adversarial round's findings, each as the probe found it: a student name that is a
 * path, chat content given as parts, prompts whose identity collapsed, a nightly written as JSON, a
 * generations row without an id, an unpaired surrogate, a required check with no data and wide
 * teachers with templates of their own. Every run's counts reconcile ({@link Reconcile}).
 */
class ProbeFindingsTest extends SparkTestBase {
  @TempDir Path tmp;

  static final ObjectMapper JSON = new ObjectMapper();

  /** The job run in this JVM as the command line runs it; its exit code and stderr. */
  record Exit(int code, String stderr) {}

  static Exit runJob(JobArgs args) {
    PrintStream before = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return new Exit(NaturalnessJob.run(args.toArray()), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(before);
    }
  }

  static List<Path> everyFile(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      return files.sorted().toList();
    }
  }

  @Test
  void aStudentNamedWithAPathIsRefusedBeforeSparkAndNothingIsWrittenOutsideTheOutput()
      throws Exception {
    Path work = Files.createDirectories(tmp.resolve("a/b/c/d/e/f/g"));
    Path evil = TestStudents.demoCopy(work, "evil", "");
    Path conf = evil.resolve("student.conf");
    Files.writeString(
        conf,
        Files.readString(conf).replace("name = \"evil\"", "name = \"../../../../../../../X\""));
    Path input = Corpora.writeJsonLines(work, "c.jsonl", Corpora.small());
    Path output = work.resolve("out");
    List<Path> before = everyFile(tmp);

    Exit exit =
        runJob(
            JobArgs.demo(input, output)
                .set("student.path", "[\"" + DemoStudent.DIR + "\", \"" + evil + "\"]")
                .set("output.export", "[messages]"));

    assertEquals(NaturalnessJob.EXIT_CONFIG, exit.code(), exit.stderr());
    Assertions.assertTrue(exit.stderr().contains("is not a plain name"), exit.stderr());
    assertEquals(1, exit.stderr().strip().lines().count(), exit.stderr());
    assertEquals(before, everyFile(tmp), "nothing written, inside the output or outside it");
  }

  /** The demo's first two prompts, four teachers each, flat. */
  static List<Map<String, Object>> flatRows() throws Exception {
    return Corpora.demoSlice(8);
  }

  static List<Map<String, Object>> parts(String text) {
    int half = text.length() / 2;
    return List.of(
        Map.of("type", "text", "text", text.substring(0, half)),
        Map.of("type", "text", "text", text.substring(half)));
  }

  static Map<String, Object> turn(String role, Object content) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("role", role);
    t.put("content", content);
    return t;
  }

  /** Scores of the flat rows, by {@link #okScores}'s key. */
  Map<String, Double> flatScores() throws Exception {
    Path run = tmp.resolve("flat-run");
    List<Map<String, Object>> rows = flatRows();
    JobRunner.run(spark(), Corpora.writeJsonLines(tmp, "flat.jsonl", rows), run);
    Reconcile.check(spark(), run, rows.size());
    return okScores(run);
  }

  /**
   * LALP of each ok row, by teacher, tokens and steps: what tells the demo rows apart whatever
   * their shape gave them as ids.
   */
  Map<String, Double> okScores(Path run) throws Exception {
    Map<String, Double> out = new HashMap<>();
    for (Row r : Reconcile.table(spark(), run, "scores").collectAsList()) {
      if ("ok".equals(r.getAs("status"))) {
        out.put(
            r.getAs("teacher") + "|" + r.getAs("n_tokens") + "|" + r.getAs("n_steps"),
            r.getAs("lalp"));
      }
    }
    return out;
  }

  static void assertScoredAsFlat(Map<String, Double> flat, Map<String, Double> shaped) {
    flat.forEach(
        (k, v) -> {
          Assertions.assertTrue(
              shaped.containsKey(k), "not scored: " + k + " in " + shaped.keySet());
          // Rows packed with other rows: the last float bits may move, nothing more.
          assertEquals(v, shaped.get(k), 1e-5, k);
        });
  }

  @Test
  void chatContentGivenAsPartsScoresAsItsTextAndOtherPartsAreErrorRows() throws Exception {
    Map<String, Double> flat = flatScores();
    List<Map<String, Object>> flatRows = flatRows();

    // Parquet: every turn's content a list of parts; one row with an image part.
    StructType part =
        new StructType()
            .add("type", DataTypes.StringType)
            .add("text", DataTypes.StringType)
            .add("image_url", DataTypes.StringType);
    ArrayType turns =
        DataTypes.createArrayType(
            new StructType()
                .add("role", DataTypes.StringType)
                .add("content", DataTypes.createArrayType(part)));
    StructType schema =
        new StructType().add("messages", turns).add("teacher", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (Map<String, Object> r : flatRows) {
      rows.add(
          RowFactory.create(
              List.of(
                      RowFactory.create("user", partRows((String) r.get("prompt"))),
                      RowFactory.create("assistant", partRows((String) r.get("response"))))
                  .toArray(),
              r.get("teacher")));
    }
    rows.add(
        RowFactory.create(
            new Row[] {
              RowFactory.create(
                  "user",
                  new Row[] {
                    RowFactory.create("text", "What is in the picture?", null),
                    RowFactory.create("image_url", null, "http://x/cat.png")
                  }),
              RowFactory.create("assistant", new Row[] {RowFactory.create("text", "A cat.", null)})
            },
            "vision"));
    Path parquet = tmp.resolve("parts-parquet");
    Dataset<Row> frame = spark().createDataFrame(rows, schema);
    frame.coalesce(1).write().parquet(parquet.toString());
    Path parquetRun = tmp.resolve("parts-parquet-run");
    JobRunner.run(spark(), JobArgs.demo(parquet, parquetRun).set("input.shape", "messages"));
    Map<String, Long> statuses = Reconcile.check(spark(), parquetRun, rows.size());
    assertEquals(Map.of("ok", 8L, "unsupported_content", 1L), statuses);
    assertScoredAsFlat(flat, okScores(parquetRun));
    Row vision =
        Reconcile.table(spark(), parquetRun, "scores")
            .filter("teacher = 'vision'")
            .collectAsList()
            .get(0);
    assertEquals(
        "turn 0 part 1 is of type 'image_url'; only text parts ({type: text, text: ...}) can be"
            + " scored",
        vision.getAs("error"));

    // JSON Lines mixing string contents and part lists, and a string that only looks like parts.
    List<Map<String, Object>> mixed = new ArrayList<>();
    for (int i = 0; i < flatRows.size(); i++) {
      Map<String, Object> r = flatRows.get(i);
      Object prompt = i % 2 == 0 ? r.get("prompt") : parts((String) r.get("prompt"));
      Object response = i % 3 == 0 ? r.get("response") : parts((String) r.get("response"));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("messages", List.of(turn("user", prompt), turn("assistant", response)));
      row.put("teacher", r.get("teacher"));
      mixed.add(row);
    }
    String literal = JSON.writeValueAsString(parts("[not parts] 2+2?"));
    Map<String, Object> lookalike = new LinkedHashMap<>();
    lookalike.put("messages", List.of(turn("user", literal), turn("assistant", literal)));
    lookalike.put("teacher", "literal");
    mixed.add(lookalike);
    Path mixedRun = tmp.resolve("mixed-run");
    JobRunner.run(
        spark(),
        JobArgs.demo(Corpora.writeJsonLines(tmp, "mixed.jsonl", mixed), mixedRun)
            .set("input.shape", "messages")
            .set("output.export", "[messages]"));
    assertEquals(Map.of("ok", 9L), Reconcile.check(spark(), mixedRun, mixed.size()));
    assertScoredAsFlat(flat, okScores(mixedRun));
    List<String> assistantTexts = new ArrayList<>();
    try (Stream<Path> files = Files.walk(mixedRun.resolve("export/messages/data"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        for (Row r : spark().read().parquet(f.toString()).collectAsList()) {
          List<Row> m = r.getList(r.fieldIndex("messages"));
          assistantTexts.add(m.get(m.size() - 1).getAs("content"));
        }
      }
    }
    Assertions.assertTrue(
        assistantTexts.contains(literal), "a string is its text, even when it looks like JSON");
    for (String t : assistantTexts) {
      Assertions.assertTrue(
          t.equals(literal) || !t.startsWith("[{\"type\""), "no part list leaks as text: " + t);
    }
  }

  private static Row[] partRows(String text) {
    int half = text.length() / 2;
    return new Row[] {
      RowFactory.create("text", text.substring(0, half), null),
      RowFactory.create("text", text.substring(half), null)
    };
  }

  @Test
  void aNullPromptTurnIsAMissingFieldAndChatsThatRenderAlikeKeepTheirOwnIds() throws Exception {
    String answer = "2 + 2 = 4.\n\nThe answer is 4.";
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String teacher : new String[] {"a", "b"}) {
      Map<String, Object> nullTurn = new LinkedHashMap<>();
      nullTurn.put("messages", List.of(turn("user", null), turn("assistant", answer)));
      nullTurn.put("teacher", teacher);
      rows.add(nullTurn);
    }
    Map<String, Object> system = new LinkedHashMap<>();
    system.put(
        "messages",
        List.of(turn("system", "X"), turn("user", "What is 2+2?"), turn("assistant", answer)));
    system.put("teacher", "a");
    rows.add(system);
    Map<String, Object> inline = new LinkedHashMap<>();
    inline.put(
        "messages", List.of(turn("user", "System: X\n\nWhat is 2+2?"), turn("assistant", answer)));
    inline.put("teacher", "a");
    rows.add(inline);
    Path run = tmp.resolve("identity-run");
    JobRunner.run(
        spark(),
        JobArgs.demo(Corpora.writeJsonLines(tmp, "identity.jsonl", rows), run)
            .set("input.shape", "messages"));
    assertEquals(Map.of("ok", 2L, "missing_field", 2L), Reconcile.check(spark(), run, rows.size()));
    List<Row> scores = Reconcile.table(spark(), run, "scores").collectAsList();
    List<String> ok = new ArrayList<>();
    for (Row r : scores) {
      if ("missing_field".equals(r.getAs("status"))) {
        assertEquals("prompt turn 0 (user) has no content", r.getAs("error"));
      } else {
        ok.add(r.getAs("prompt_id"));
      }
    }
    assertEquals(2, ok.size());
    assertNotEquals(ok.get(0), ok.get(1), "two prompts, two prompt_ids");
  }

  @Test
  void aNightlyWrittenAsJsonIsComparedWithTheNextNight() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "small.jsonl", Corpora.small());
    Path pointer = tmp.resolve("LATEST");
    String[] nightly = {"output.format=json", "output.publish-pointer=" + pointer};
    JobRunner.run(spark(), input, tmp.resolve("runs/1"), nightly);
    JobRunner.run(spark(), input, tmp.resolve("runs/2"), nightly);
    RunSummary second = RunOutputs.summary(tmp.resolve("runs/2"));
    assertNull(second.sincePreviousSkipped(), second.sincePreviousSkipped());
    RunSummary.SincePrevious since = second.sincePrevious().get(0);
    assertEquals(3, since.promptsCompared());
    assertEquals(0, since.promptsChanged());
    Assertions.assertTrue(since.rankChanges().isEmpty(), since.rankChanges().toString());
    Reconcile.check(spark(), tmp.resolve("runs/2"), Corpora.small().size());
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

  @Test
  void anEventLogDirectoryThatIsNotThereStopsTheJobBeforeSparkInOneLine() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "small.jsonl", Corpora.small());
    Path missing = tmp.resolve("no-such-dir");
    Exit exit =
        runJob(JobArgs.demo(input, tmp.resolve("out")).set("spark.event-log", missing.toString()));
    assertEquals(NaturalnessJob.EXIT_CONFIG, exit.code(), exit.stderr());
    assertEquals(
        "naturalness: spark.event-log "
            + missing
            + " is not a directory; create it (Spark writes one file per run there) or set"
            + " spark.event-log = \"\"\n",
        exit.stderr());
    Assertions.assertFalse(Files.exists(tmp.resolve("out")), "nothing was claimed");
  }

  @Test
  void aCacheFileDamagedInItsBodyIsOneWarningAndItsResponsesAreScoredAgain() throws Exception {
    List<Map<String, Object>> rows = Corpora.demoSlice(24);
    Path input = Corpora.writeJsonLines(tmp.resolve("in"), "c.jsonl", rows);
    Path cache = tmp.resolve("cache");
    JobRunner.run(spark(), input, tmp.resolve("n1"), "incremental.cache=" + cache);
    Path version;
    try (Stream<Path> versions = Files.list(cache)) {
      version = versions.filter(v -> v.getFileName().toString().startsWith("v=")).findFirst().get();
    }
    Path damaged;
    try (Stream<Path> files = Files.list(version)) {
      damaged =
          files
              .filter(f -> f.getFileName().toString().startsWith("part-"))
              .sorted()
              .findFirst()
              .get();
    }
    // Bytes inside the first column chunk, the footer left whole: only reading finds it.
    byte[] bytes = Files.readAllBytes(damaged);
    for (int i = 8; i < 40; i++) {
      bytes[i] = (byte) ~bytes[i];
    }
    Files.write(damaged, bytes);

    JobRunner.run(spark(), input, tmp.resolve("n2"), "incremental.cache=" + cache);
    Reconcile.check(spark(), tmp.resolve("n2"), rows.size());
    RunSummary second = RunOutputs.summary(tmp.resolve("n2"));
    JsonNode warnings = JSON.readTree(tmp.resolve("n2/summary.json").toFile()).path("warnings");
    assertEquals(1, warnings.size(), warnings.toString());
    String warning = warnings.get(0).asText();
    Assertions.assertTrue(
        warning.startsWith(
            "incremental cache file "
                + damaged.getFileName()
                + " in "
                + version.getFileName()
                + " could not be read whole ("),
        warning);
    Assertions.assertTrue(second.counts().scoredNow() > 0, "its responses were scored again");
    assertEquals(rows.size(), second.counts().scoredNow() + second.counts().reused());
    Assertions.assertTrue(
        new String(
                Files.readAllBytes(Path.of("src/main/resources/log4j2.properties")),
                StandardCharsets.UTF_8)
            .contains(
                "logger.filescan.name = org.apache.spark.sql.execution.datasources.FileScanRDD\n"
                    + "logger.filescan.level = error"),
        "Spark's own stack trace for the skipped file stays out of the job's log");
  }
}
