package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.TestStudents;
import dev.naturalness.config.Settings.Input;
import dev.naturalness.data.RowFlag;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corpora as they are published (chats, ShareGPT conversations in a JSON array, generation lists in
 * a Hub-style Parquet directory, a column per teacher): each response scores exactly as the same
 * prompt and response given one a row, rows the shape cannot give are error rows with a reason, and
 * every input response is a row of scores/.
 */
class InputShapesTest extends SparkTestBase {
  @TempDir Path dir;

  /** The demo corpus's first four prompts, four teachers each. */
  static List<Map<String, Object>> demo() throws IOException {
    return Corpora.demoSlice(16);
  }

  /** Every response of a run: top-k beyond the teachers, nothing required. */
  static JobArgs all(Path input, Path output) {
    return JobArgs.demo(input, output).set("select.top-k", 10).set("select.require", "[]");
  }

  static String key(Object prompt, Object response) {
    return prompt + "\u0000" + response;
  }

  private static Map<String, double[]> flat;

  /** The flat corpus's scores by prompt and response: the reference every shape must meet. */
  Map<String, double[]> flatScores() throws IOException {
    if (flat == null) {
      Path out = dir.resolve("flat-run");
      JobRunner.run(spark(), all(Corpora.writeJsonLines(dir, "flat.jsonl", demo()), out));
      flat = scoresByText(out);
    }
    return flat;
  }

  /** LALP and GALP of each selected response, by its prompt and response text. */
  Map<String, double[]> scoresByText(Path run) {
    Map<String, double[]> out = new HashMap<>();
    for (Row r : selected(run)) {
      out.put(
          key(r.getAs("prompt"), r.getAs("response")),
          new double[] {r.<Double>getAs("lalp"), r.<Double>getAs("galp")});
    }
    return out;
  }

  List<Row> selected(Path run) {
    return spark().read().parquet(run.resolve("selected").toString()).collectAsList();
  }

  List<Row> scores(Path run) {
    return spark().read().parquet(run.resolve("scores").toString()).collectAsList();
  }

  /** Each row's flags in scores/, by response_id. */
  Map<String, List<String>> flags(Path run) {
    Map<String, List<String>> out = new HashMap<>();
    for (Row r : scores(run)) {
      out.put(r.getAs("response_id"), r.getList(r.fieldIndex("flags")));
    }
    return out;
  }

  /** Status counts of scores/. */
  Map<String, Integer> statuses(Path run) {
    Map<String, Integer> out = new TreeMap<>();
    for (Row r : scores(run)) {
      out.merge(r.getAs("status"), 1, Integer::sum);
    }
    return out;
  }

  static void assertSameScores(Map<String, double[]> flat, Map<String, double[]> shaped) {
    for (Map.Entry<String, double[]> e : flat.entrySet()) {
      double[] got = shaped.get(e.getKey());
      Assertions.assertNotNull(got, "not scored: " + e.getKey());
      // Other rows share the packed batches: the last float bits may move, nothing more.
      Assertions.assertEquals(e.getValue()[0], got[0], 1e-5, "lalp of " + e.getKey());
      Assertions.assertEquals(e.getValue()[1], got[1], 1e-5, "galp of " + e.getKey());
    }
  }

  static Map<String, Object> turn(String role, String roleKey, String content, String key) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put(roleKey, role);
    t.put(key, content);
    return t;
  }

  static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void chatRowsScoreAsTheFlatRowsTheyHold() throws Exception {
    Map<String, double[]> reference = flatScores();
    List<Map<String, Object>> messages = new ArrayList<>();
    List<Map<String, Object>> conversations = new ArrayList<>();
    List<Map<String, Object>> nemotron = new ArrayList<>();
    for (Map<String, Object> r : demo()) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("input", List.of(turn("user", "role", (String) r.get("prompt"), "content")));
      n.put("output", r.get("response"));
      n.put("generator", r.get("teacher"));
      n.put("system_prompt", "");
      nemotron.add(n);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(
          "messages",
          List.of(
              turn("user", "role", (String) r.get("prompt"), "content"),
              turn("assistant", "role", (String) r.get("response"), "content")));
      m.put("teacher", r.get("teacher"));
      m.put("correct", r.get("correct"));
      messages.add(m);
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("system", null);
      c.put(
          "conversations",
          List.of(
              turn("human", "from", (String) r.get("prompt"), "value"),
              turn("gpt", "from", (String) r.get("response"), "value")));
      conversations.add(c);
    }
    Map<String, Object> longer = new LinkedHashMap<>();
    longer.put(
        "messages",
        List.of(
            turn("system", "role", "Be brief.", "content"),
            turn("user", "role", "Hi", "content"),
            turn("assistant", "role", "Hello", "content"),
            turn("user", "role", "What is 2+2?", "content"),
            turn("assistant", "role", "2 + 2 = 4.\n\nThe answer is 4.", "content")));
    longer.put("teacher", "chatty");
    messages.add(longer);
    Map<String, Object> unanswered = new LinkedHashMap<>();
    unanswered.put("messages", List.of(turn("user", "role", "Anyone?", "content")));
    unanswered.put("teacher", "chatty");
    messages.add(unanswered);
    Map<String, Object> tool = new LinkedHashMap<>();
    tool.put(
        "messages",
        List.of(
            turn("user", "role", "Add 2 and 2.", "content"),
            turn("tool", "role", "4", "content"),
            turn("assistant", "role", "4", "content")));
    tool.put("teacher", "chatty");
    messages.add(tool);

    Path messagesRun = dir.resolve("messages-run");
    JobRunner.run(
        spark(),
        all(Corpora.writeJsonLines(dir, "messages.jsonl", messages), messagesRun)
            .set("input.shape", "messages"));
    assertSameScores(reference, scoresByText(messagesRun));
    assertEquals(
        Map.of("ok", 17, "no_response_turn", 1, "unknown_role", 1),
        statuses(messagesRun),
        "every chat a row of scores/");
    Row chatty =
        selected(messagesRun).stream()
            .filter(r -> "chatty".equals(r.getAs("teacher")))
            .findFirst()
            .orElseThrow();
    String prompt = "System: Be brief.\n\nUser: Hi\n\nAssistant: Hello\n\nWhat is 2+2?";
    assertEquals(prompt, chatty.getAs("prompt"));
    assertEquals(
        sha256(
            "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":"
                + "\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"},{\"role\":\"user\","
                + "\"content\":\"What is 2+2?\"}]"),
        chatty.getAs("prompt_id"),
        "no prompt_id column: the hash of its turns, each role and text");
    Assertions.assertTrue(
        scores(messagesRun).stream()
            .filter(r -> "unknown_role".equals(r.getAs("status")))
            .allMatch(r -> ((String) r.getAs("error")).contains("role 'tool'")));

    // ShareGPT rows in one JSON array (one teacher for the file), no system text.
    Path array = dir.resolve("conversations.json");
    Files.writeString(array, new ObjectMapper().writeValueAsString(conversations));
    Path conversationsRun = dir.resolve("conversations-run");
    JobRunner.run(
        spark(),
        all(array, conversationsRun)
            .set("input.shape", "conversations")
            .set("input.teacher", "deepseek-r1"));
    assertSameScores(reference, scoresByText(conversationsRun));
    assertEquals(Map.of("ok", 16), statuses(conversationsRun));

    // Llama-Nemotron: the prompt turns in one column, the response in another.
    Path nemotronRun = dir.resolve("nemotron-run");
    JobRunner.run(
        spark(),
        all(Corpora.writeJsonLines(dir, "nemotron.jsonl", nemotron), nemotronRun)
            .set("input.shape", "messages")
            .set("input.columns.messages", "input")
            .set("input.columns.response", "output")
            .set("input.columns.teacher", "generator")
            .set("input.columns.system", "system_prompt"));
    assertSameScores(reference, scoresByText(nemotronRun));
    assertEquals(Map.of("ok", 16), statuses(nemotronRun));
  }

  /** Writes rows as one Parquet file at {@code target}, as the Hub names a dataset's shards. */
  void writeParquet(List<Row> rows, StructType schema, Path target) throws IOException {
    Path scratch = dir.resolve("scratch-" + target.getFileName());
    spark().createDataFrame(rows, schema).coalesce(1).write().parquet(scratch.toString());
    Files.createDirectories(target.getParent());
    try (Stream<Path> files = Files.list(scratch)) {
      Path part =
          files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().get();
      Files.move(part, target);
    }
  }

  static final StructType GENERATIONS =
      new StructType()
          .add("problem", DataTypes.StringType)
          .add("generations", DataTypes.createArrayType(DataTypes.StringType))
          .add("correctness_math_verify", DataTypes.createArrayType(DataTypes.BooleanType))
          .add("correctness_llama", DataTypes.createArrayType(DataTypes.BooleanType))
          .add("is_reasoning_complete", DataTypes.createArrayType(DataTypes.BooleanType))
          .add("finish_reasons", DataTypes.createArrayType(DataTypes.StringType));

  /** The demo's prompts as OpenR1-Math rows: a prompt, its four responses and aligned lists. */
  static List<Row> generationRows() throws IOException {
    Map<String, List<Map<String, Object>>> byPrompt = new LinkedHashMap<>();
    for (Map<String, Object> r : demo()) {
      byPrompt.computeIfAbsent((String) r.get("prompt"), k -> new ArrayList<>()).add(r);
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, List<Map<String, Object>>> p : byPrompt.entrySet()) {
      List<String> generations = new ArrayList<>();
      List<Boolean> correct = new ArrayList<>();
      for (Map<String, Object> r : p.getValue()) {
        generations.add((String) r.get("response"));
        correct.add((Boolean) r.get("correct"));
      }
      rows.add(
          RowFactory.create(
              p.getKey(),
              generations.toArray(new String[0]),
              correct.toArray(new Boolean[0]),
              null,
              new Boolean[] {true, true, true, true},
              new String[] {"stop", "stop", "stop", "stop"}));
    }
    return rows;
  }

  static JobArgs generations(JobArgs args) {
    return args.set("input.shape", "generations")
        .set("input.teacher", "deepseek-r1")
        .set("input.columns.prompt", "problem")
        .set("input.generations.correct", "[correctness_math_verify, correctness_llama]")
        .set("input.generations.complete", "is_reasoning_complete")
        .set("input.generations.finish-reasons", "finish_reasons");
  }

  @Test
  void generationListsGiveOneResponseEachWithItsOwnLabels() throws Exception {
    Map<String, double[]> reference = flatScores();
    List<Row> rows = generationRows();
    rows.add(
        RowFactory.create(
            "Misaligned: 1 + 1?",
            new String[] {"1 + 1 = 2.", "The answer is 2."},
            new Boolean[] {true},
            null,
            null,
            null));
    rows.add(RowFactory.create("Nothing generated.", new String[0], null, null, null, null));
    Path data = dir.resolve("openr1/data");
    writeParquet(rows.subList(0, 3), GENERATIONS, data.resolve("train-00000-of-00002.parquet"));
    writeParquet(
        rows.subList(3, rows.size()), GENERATIONS, data.resolve("train-00001-of-00002.parquet"));
    Path run = dir.resolve("generations-run");
    JobRunner.run(spark(), generations(all(dir.resolve("openr1"), run)));

    assertSameScores(reference, scoresByText(run));
    assertEquals(
        Map.of("ok", 16, "misaligned_lists", 2, "missing_field", 1),
        statuses(run),
        "every generation a row of scores/, an empty list one");
    Map<String, Boolean> labels = new HashMap<>();
    for (Map<String, Object> r : demo()) {
      labels.put((String) r.get("response"), (Boolean) r.get("correct"));
    }
    Map<String, List<String>> flagsById = flags(run);
    for (Row s : selected(run)) {
      String response = s.getAs("response");
      String id = s.getAs("response_id");
      assertEquals(sha256((String) s.getAs("problem")), s.getAs("prompt_id"));
      Assertions.assertTrue(id.matches(s.getAs("prompt_id") + "#[0-3]"), id);
      assertEquals("deepseek-r1", s.getAs("teacher"));
      Assertions.assertFalse(
          Arrays.asList(s.schema().fieldNames()).contains("generations"),
          "the lists stay out of a generation's row");
      assertEquals(
          !labels.get(response),
          flagsById.get(id).contains(RowFlag.INCORRECT.code()),
          "the label aligned with " + id);
    }
  }

  @Test
  void aWideTableGivesOneResponsePerNamedTeacherJoinedByTheTemplate() throws Exception {
    Map<String, double[]> reference = flatScores();
    Map<String, Map<String, Object>> byPrompt = new LinkedHashMap<>();
    for (Map<String, Object> r : demo()) {
      Map<String, Object> wide =
          byPrompt.computeIfAbsent(
              (String) r.get("prompt"),
              k -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("question", k);
                return m;
              });
      String teacher = ((String) r.get("teacher")).replace('-', '_');
      String response = (String) r.get("response");
      int cut = response.indexOf("\n\n");
      wide.put(teacher + "_thinking", response.substring(0, cut));
      wide.put(teacher + "_attempt", response.substring(cut + 2));
      wide.put(teacher + "_grade", Boolean.TRUE.equals(r.get("correct")) ? "Yes" : "No");
    }
    Path input = Corpora.writeJsonLines(dir, "s1k.jsonl", new ArrayList<>(byPrompt.values()));
    JobArgs args =
        all(input, dir.resolve("wide-run"))
            .set("input.shape", "wide")
            .set("input.columns.prompt", "question")
            .set("input.response-template", "{thinking}\n\n{attempt}");
    for (String t : List.of("concise_solver", "verbose_explainer", "looping_thinker")) {
      args.set(
          "input.teachers." + t,
          "{response = [" + t + "_thinking, " + t + "_attempt], correct = " + t + "_grade}");
    }
    args.set(
        "input.teachers.sloppy_guesser.response",
        "[sloppy_guesser_thinking, sloppy_guesser_attempt]");
    args.set("input.teachers.absent.response", "[absent_thinking, absent_attempt]");
    // A second entry of one teacher (DeepMath's r1_solution_1..3): here the same texts again.
    args.set(
        "input.teachers.again",
        "{response = [concise_solver_thinking, concise_solver_attempt], teacher = concise_solver}");
    JobRunner.run(spark(), args);
    Path run = dir.resolve("wide-run");

    assertSameScores(reference, scoresByText(run));
    assertEquals(Map.of("ok", 16, "missing_column", 4, "duplicate", 4), statuses(run));
    Assertions.assertTrue(
        scores(run).stream().noneMatch(r -> "again".equals(r.getAs("teacher"))),
        "an entry's responses are its teacher's");
    for (Row r : scores(run)) {
      if ("missing_column".equals(r.getAs("status"))) {
        assertEquals("absent", r.getAs("teacher"));
        Assertions.assertTrue(((String) r.getAs("error")).contains("absent_thinking"));
      }
    }
    Map<String, Integer> incorrect = new TreeMap<>();
    Map<String, List<String>> flagsById = flags(run);
    for (Row r : scores(run)) {
      if (flagsById.get(r.<String>getAs("response_id")).contains(RowFlag.INCORRECT.code())) {
        incorrect.merge(r.getAs("teacher"), 1, Integer::sum);
      }
    }
    // The demo's looping-thinker is wrong once in these prompts; sloppy-guesser has no labels here.
    assertEquals(Map.of("looping_thinker", 1), incorrect, "grades read as labels");
  }

  @Test
  void severalLabelListsCombineByTheirRuleOverTheListsThatKnow() throws Exception {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("problem", "q");
    row.put("generations", List.of("a", "b", "c", "d", "e", "f", "g"));
    row.put("v1", Arrays.asList(false, false, null, false, null, true, true));
    row.put("v2", Arrays.asList(true, false, true, null, null, true, false));
    Path input = Corpora.writeJsonLines(dir, "labels.jsonl", List.of(row));
    Map<String, List<Boolean>> expected = new LinkedHashMap<>();
    expected.put("any", Arrays.asList(true, false, true, false, null, true, true));
    expected.put("all", Arrays.asList(false, false, true, false, null, true, false));
    expected.put("first", Arrays.asList(false, false, true, false, null, true, true));
    for (Map.Entry<String, List<Boolean>> e : expected.entrySet()) {
      Input in =
          JobArgs.demo(input, dir.resolve("unused"))
              .set("input.shape", "generations")
              .set("input.teacher", "t")
              .set("input.columns.prompt", "problem")
              .set("input.generations.correct", "[v1, v2]")
              .set("input.generations.correct-rule", e.getKey())
              .settings()
              .input();
      List<Boolean> got = new ArrayList<>();
      for (Row r :
          CorpusReader.canonicalRows(Inputs.read(spark(), in), in, "paragraph")
              .orderBy("response")
              .collectAsList()) {
        got.add(r.isNullAt(r.fieldIndex("correct")) ? null : r.getAs("correct"));
      }
      assertEquals(e.getValue(), got, "correct-rule " + e.getKey());
    }
  }

  @Test
  void aStudentsChatTemplateRendersAChatsEarlierTurns() throws Exception {
    Path chatStudent = TestStudents.demoCopy(dir, "chat-student", TestStudents.DEMO_CHAT_TEMPLATE);
    Map<String, Object> single = new LinkedHashMap<>();
    single.put(
        "messages",
        List.of(
            turn("user", "role", "What is 2+2?", "content"),
            turn("assistant", "role", "2 + 2 = 4.\n\nThe answer is 4.", "content")));
    Map<String, Object> longer = new LinkedHashMap<>();
    longer.put(
        "messages",
        List.of(
            turn("system", "role", "Be brief.", "content"),
            turn("user", "role", "What is 2+3?", "content"),
            turn("assistant", "role", "5.", "content"),
            turn("user", "role", "And 2+2?", "content"),
            turn("assistant", "role", "2 + 2 = 4.\n\nThe answer is 4.", "content")));
    Path run = dir.resolve("chat-run");
    JobRunner.run(
        spark(),
        all(Corpora.writeJsonLines(dir, "chats.jsonl", List.of(single, longer)), run)
            .set("input.shape", "messages")
            .set("input.teacher", "t")
            .set(
                "student.path",
                "[\"" + DemoStudent.DIR.toAbsolutePath() + "\", \"" + chatStudent + "\"]"));
    Map<String, Double> lalp = new HashMap<>();
    for (Row r : selected(run)) {
      lalp.put(r.getAs("student") + "/" + r.getAs("prompt"), r.getAs("lalp"));
    }
    assertEquals(
        lalp.get("demo-student/What is 2+2?"),
        lalp.get("chat-student/What is 2+2?"),
        1e-9,
        "one user turn: the same prompt either way");
    String earlier = "System: Be brief.\n\nUser: What is 2+3?\n\nAssistant: 5.\n\nAnd 2+2?";
    Assertions.assertNotEquals(
        lalp.get("demo-student/" + earlier),
        lalp.get("chat-student/" + earlier),
        1e-6,
        "earlier turns rendered by the chat template, not as plain text");
  }

  /** A response as a reasoning model writes it: its paragraphs in a think block, then the last. */
  static String thinkBlock(String response) {
    int cut = response.lastIndexOf("\n\n");
    return "<think>\n"
        + response.substring(0, cut)
        + "\n</think>\n\n"
        + response.substring(cut + 2);
  }

  static String skyT1(String text) {
    return text.replace("<think>\n", "<|begin_of_thought|>\n\n")
        .replace("\n</think>\n\n", "\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\n")
        .replace("\n\n<|end_of_solution|>", "")
        .concat(text.contains("</think>") ? "\n\n<|end_of_solution|>" : "");
  }

  @Test
  void anotherModelsThinkMarkersAreRewrittenToTheStudentsBeforeAnythingIsScored() throws Exception {
    List<Map<String, Object>> own = new ArrayList<>();
    List<Map<String, Object>> sky = new ArrayList<>();
    for (Map<String, Object> r : demo()) {
      String text = thinkBlock((String) r.get("response"));
      Map<String, Object> a = new LinkedHashMap<>(r);
      a.put("response", text);
      // Given steps: the think block's paragraphs, its markers inside the first and last.
      a.put("steps", List.of(text.split("(?<=\n\n)")));
      own.add(a);
      Map<String, Object> b = new LinkedHashMap<>(r);
      b.put("response", skyT1(text));
      b.put("steps", Stream.of(text.split("(?<=\n\n)")).map(InputShapesTest::skyT1).toList());
      sky.add(b);
    }
    Assertions.assertTrue(((String) sky.get(0).get("response")).contains("<|begin_of_solution|>"));
    Path ownRun = dir.resolve("own-run");
    Path skyRun = dir.resolve("sky-run");
    JobRunner.run(
        spark(),
        all(Corpora.writeJsonLines(dir, "own.jsonl", own), ownRun)
            .set("scoring.segmenter", "column")
            .set("output.export", "[messages]"));
    JobRunner.run(
        spark(),
        all(Corpora.writeJsonLines(dir, "sky.jsonl", sky), skyRun)
            .set("scoring.segmenter", "column")
            .set("output.export", "[messages]")
            .set(
                "input.think-markers",
                "{\"<|begin_of_thought|>\\n\\n\" = \"<think>\\n\","
                    + " \"\\n\\n<|end_of_thought|>\\n\\n<|begin_of_solution|>\\n\\n\" ="
                    + " \"\\n</think>\\n\\n\", \"\\n\\n<|end_of_solution|>\" = \"\"}"));

    Map<String, double[]> reference = scoresByText(ownRun);
    assertEquals(16, reference.size());
    Map<String, double[]> rewritten = scoresByText(skyRun);
    assertEquals(reference.keySet(), rewritten.keySet(), "the stored texts are the student's");
    assertSameScores(reference, rewritten);
    assertEquals(Map.of("ok", 16), statuses(skyRun));
    Map<String, Integer> ownSteps = new TreeMap<>();
    for (Row r : scores(ownRun)) {
      ownSteps.put(r.getAs("response_id"), r.<Integer>getAs("n_steps"));
    }
    Map<String, Integer> skySteps = new TreeMap<>();
    for (Row r : scores(skyRun)) {
      skySteps.put(r.getAs("response_id"), r.<Integer>getAs("n_steps"));
      Assertions.assertFalse(
          r.getList(r.fieldIndex("flags")).contains(RowFlag.UNBALANCED_THINK.code()),
          "the rewritten think block is balanced");
    }
    assertEquals(ownSteps, skySteps, "the same ids; the given steps rewritten as their responses");
    assertEquals(assistantTexts(ownRun), assistantTexts(skyRun), "exported as the student's");
    assertEquals(givenSteps(ownRun), givenSteps(skyRun), "selected/ holds the steps as scored");
    String card = Files.readString(skyRun.resolve("export/messages/README.md"));
    Assertions.assertTrue(card.contains("think-markers="), card);
  }

  /** The steps column of selected/, sorted. */
  List<String> givenSteps(Path run) {
    List<String> out = new ArrayList<>();
    for (Row r : selected(run)) {
      out.add(String.join("|", r.<String>getList(r.fieldIndex("steps"))));
    }
    out.sort(null);
    return out;
  }

  /** The assistant turns of the messages export, sorted. */
  List<String> assistantTexts(Path run) {
    List<String> out = new ArrayList<>();
    for (Row r :
        spark()
            .read()
            .parquet(run.resolve("export/messages/data/train").toString())
            .collectAsList()) {
      for (Row turn : r.<Row>getList(r.fieldIndex("messages"))) {
        if ("assistant".equals(turn.getAs("role"))) {
          out.add(turn.getAs("content"));
        }
      }
    }
    out.sort(null);
    return out;
  }
}
