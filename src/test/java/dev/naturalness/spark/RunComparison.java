package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Two runs of one command held to each other, output by output: every row of scores/, teachers/ and
 * selected/ with every column (but those that say how the run went, not what it found), and every
 * file of export/ line by line (but the lines that name the run).
 */
final class RunComparison {
  /** Columns that say what a run did to get a score, not the score: reused or not, its cost. */
  static final Set<String> HOW_IT_RAN = Set.of("model_tokens", "reused");

  /**
   * How far a number may move between two runs of one command: rows scored in other batches (a
   * resumed run packs only what is left) round differently in float32, about 1e-7, and sums taken
   * in another order differ in their last digits.
   */
  static final double TOLERANCE = 1e-5;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RunComparison() {}

  /** Equal trees: the same fields, strings, booleans and integers, and numbers within TOLERANCE. */
  static void assertNear(JsonNode want, JsonNode got, String what) {
    if (want.isFloatingPointNumber() || got.isFloatingPointNumber()) {
      assertEquals(want.asDouble(), got.asDouble(), TOLERANCE, what);
    } else if (want.isContainerNode()) {
      assertEquals(
          iterable(want.fieldNames()).toString() + want.size(),
          iterable(got.fieldNames()).toString() + got.size(),
          what);
      for (int i = 0; want.isArray() && i < want.size(); i++) {
        assertNear(want.get(i), got.get(i), what);
      }
      want.fields().forEachRemaining(e -> assertNear(e.getValue(), got.get(e.getKey()), what));
    } else {
      assertEquals(want, got, what);
    }
  }

  private static List<String> iterable(Iterator<String> names) {
    List<String> out = new ArrayList<>();
    names.forEachRemaining(out::add);
    return out;
  }

  static void assertSameOutputs(SparkSession spark, Path expected, Path actual) throws IOException {
    for (String table : List.of("scores", "teachers", "selected")) {
      List<String> want = rows(spark, expected.resolve(table));
      List<String> got = rows(spark, actual.resolve(table));
      assertEquals(want.size(), got.size(), table + "/ rows");
      for (int i = 0; i < want.size(); i++) {
        assertNear(
            MAPPER.readTree(want.get(i)), MAPPER.readTree(got.get(i)), table + "/ " + want.get(i));
      }
    }
    TreeMap<String, List<String>> want = exports(expected);
    TreeMap<String, List<String>> got = exports(actual);
    assertEquals(want.keySet(), got.keySet(), "export/ files");
    for (String file : want.keySet()) {
      List<String> w = want.get(file);
      List<String> g = got.get(file);
      assertEquals(w.size(), g.size(), "export/" + file + " lines");
      for (int i = 0; i < w.size(); i++) {
        if (file.endsWith(".parquet")) {
          assertNear(MAPPER.readTree(w.get(i)), MAPPER.readTree(g.get(i)), "export/" + file);
        } else {
          assertEquals(w.get(i), g.get(i), "export/" + file + " line " + (i + 1));
        }
      }
    }
  }

  /** A table's rows as JSON, sorted: equal when every value is equal, maps and lists included. */
  static List<String> rows(SparkSession spark, Path table) {
    Dataset<Row> d = spark.read().parquet(table.toString());
    Column[] kept =
        Arrays.stream(d.columns())
            .filter(c -> !HOW_IT_RAN.contains(c))
            .map(c -> col("`" + c + "`"))
            .toArray(Column[]::new);
    List<String> out = new ArrayList<>();
    for (Row r : d.select(to_json(struct(kept)).as("j")).collectAsList()) {
      out.add(r.getAs("j"));
    }
    out.sort(String::compareTo);
    return out;
  }

  /** Every export file's lines, by path, less lines naming the run (its id, its time). */
  static TreeMap<String, List<String>> exports(Path run) throws IOException {
    TreeMap<String, List<String>> out = new TreeMap<>();
    Path root = run.resolve("export");
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = root.relativize(f).toString();
        if (name.startsWith(".") || name.contains("/.") || name.endsWith(".crc")) {
          continue;
        }
        List<String> lines =
            name.endsWith(".parquet")
                ? rows(SparkSession.active(), f)
                : Files.readAllLines(f).stream()
                    .filter(l -> !l.contains("run_id") && !l.startsWith("- run `"))
                    .toList();
        out.put(name.replaceAll("part-\\d+-[0-9a-f-]+", "part"), lines);
      }
    }
    return out;
  }
}
