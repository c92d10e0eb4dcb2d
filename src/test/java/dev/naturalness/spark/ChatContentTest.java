package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
 * Chat rows as corpora publish them: content given as a list of parts scores as its text (another
 * part type is an error row of its own), a null prompt turn is missing_field, and chats that render
 * alike keep prompt_ids of their own. Every run's counts reconcile ({@link Reconcile}).
 */
class ChatContentTest extends SparkTestBase {
  @TempDir Path tmp;

  static final ObjectMapper JSON = new ObjectMapper();

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

  private static Row[] partRows(String text) {
    int half = text.length() / 2;
    return new Row[] {
      RowFactory.create("text", text.substring(0, half), null),
      RowFactory.create("text", text.substring(half), null)
    };
  }
}
