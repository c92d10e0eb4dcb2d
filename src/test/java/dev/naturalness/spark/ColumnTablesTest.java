package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.naturalness.data.Fields;
import dev.naturalness.data.Metric;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.ScorePart;
import dev.naturalness.data.ScoreRecord;
import dev.naturalness.data.Strata;
import dev.naturalness.data.Stratum;
import dev.naturalness.output.CacheDirectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

/**
 * The column tables: a record goes into a row and comes back equal, the columns of scores/ keep
 * their order, and the stored parts' columns are the ones the cache checks before Spark starts.
 */
class ColumnTablesTest {
  static ScoreRecord record() {
    return new ScoreRecord.Builder()
        .responseId("r1")
        .promptId("p1")
        .teacher("t")
        .student("s")
        .score(Metric.LALP, -1.5)
        .score(Metric.GALP, -2.5)
        .lalpByWindow(Map.of("fraction=0.25", -1.5))
        .lalpDropFirst(-1.25)
        .lalpSe(0.5)
        .stepsScored(2)
        .nTokens(9)
        .nSteps(2)
        .responseChars(12)
        .truncated(true)
        .status(RowStatus.OK)
        .stepScores(new float[] {-1f, -2f})
        .stepSpans(new int[] {0, 5, 5, 12})
        .repeatedSteps(1)
        .lalpNoRepeats(-1.0)
        .configHash("hash")
        .modelTokens(40)
        .correct(false)
        .textSha("sha")
        .reused(true)
        .build();
  }

  /** A row as Spark hands it back: with its schema, arrays as Seqs. */
  static Row withSchema(Row row, StructType schema) {
    Object[] values = new Object[row.length()];
    for (int i = 0; i < values.length; i++) {
      Object v = row.get(i);
      if (v instanceof Row[] spans) {
        // Spark hands nested structs back with their schema.
        Object[] withSpanSchema = new Object[spans.length];
        for (int k = 0; k < spans.length; k++) {
          withSpanSchema[k] =
              new GenericRowWithSchema(
                  new Object[] {spans[k].get(0), spans[k].get(1)}, SparkValues.SPAN);
        }
        v = withSpanSchema;
      }
      values[i] =
          v instanceof Object[] a ? JavaConverters.asScalaBuffer(Arrays.asList(a)).toSeq() : v;
    }
    return new GenericRowWithSchema(values, schema);
  }

  @Test
  void aScoreRecordGoesIntoARowAndComesBackEqual() {
    StructType input = new StructType().add("x", "int");
    Row row = ScoreRows.toRow(record(), null, new GenericRowWithSchema(new Object[] {1}, input));
    ScoreRecord back = ScoreRows.fromRow(withSchema(row, ScoreRows.schema(input)));
    assertArrayEquals(record().stepScores(), back.stepScores());
    assertArrayEquals(record().stepSpans(), back.stepSpans());
    assertEquals(
        record().toBuilder().stepScores(null).stepSpans(null).build(),
        back.toBuilder().stepScores(null).stepSpans(null).build());
  }

  @Test
  void scoresKeepTheirColumnsInOrderAndEachMetricHasOneNamedByIt() {
    List<String> expected =
        new ArrayList<>(
            List.of(Fields.RESPONSE_ID, Fields.PROMPT_ID, Fields.TEACHER, Fields.STUDENT));
    for (Metric m : Metric.values()) {
      expected.add(m.key());
    }
    expected.addAll(
        List.of(
            "lalp_by_window",
            "lalp_drop_first",
            "lalp_se",
            "lalp_strata",
            "steps_scored",
            "n_tokens",
            "n_steps",
            "response_chars",
            "truncated",
            "status",
            "error",
            "step_scores",
            "step_spans",
            "repeated_steps",
            "lalp_no_repeats",
            "config_hash",
            "flags"));
    assertEquals(expected, List.of(ScoreRows.WRITTEN.fieldNames()));
    for (Metric m : Metric.values()) {
      assertEquals(
          1,
          Arrays.stream(TeacherRows.SCHEMA.fieldNames())
              .filter(n -> n.equals(TeacherRows.column(m, "mean")))
              .count());
    }
  }

  @Test
  void aStoredPartComesBackAsItWasChargedNoTokensAndItsColumnsAreTheCachesOwn() {
    ScorePart p =
        new ScorePart.Builder()
            .part("steps=2")
            .status(RowStatus.OK)
            .value(-1.0)
            .stepsScored(1)
            .nTokens(4)
            .nSteps(1)
            .stepScores(new float[] {-1f})
            .stepSpans(new int[] {0, 4})
            .strata(new Strata(new Stratum(3, 2, 0.5), new Stratum(9, 4, 1.5)))
            .modelTokens(30)
            .build();
    Row row = withSchema(PartRows.toRow(p, "h1"), PartRows.SCHEMA);
    ScorePart back = PartRows.fromRow(row);
    assertEquals(0, back.modelTokens());
    assertEquals(p.value(), back.value());
    assertArrayEquals(p.stepSpans(), back.stepSpans());
    assertEquals(Map.of("steps=2", back.part()), Map.of("steps=2", "steps=2"));
    assertEquals(1, PartRows.byName(List.of(row), Map.of("steps=2", "h1")).size());
    assertEquals(0, PartRows.byName(List.of(row), Map.of("steps=2", "other")).size());
    assertEquals(p.strata(), back.strata());
    assertEquals(ScorePart.COLUMNS, List.of(PartRows.SCHEMA.fieldNames()));
    List<String> required = new ArrayList<>(List.of(IncrementalCache.STORED.fieldNames()));
    required.removeAll(ScorePart.OPTIONAL);
    assertEquals(CacheDirectory.COLUMNS, required, "a cache written before strata is still read");
  }
}
