package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.report.ReportData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The report's histograms, counted in one Spark pass, against the same bins counted here. */
class ReportStageTest extends SparkTestBase {

  @Test
  void histogramsCountEveryScoredResponseInItsBinPerTeacherAndMetric() {
    StructType schema =
        new StructType()
            .add("teacher", DataTypes.StringType)
            .add("lalp", DataTypes.DoubleType)
            .add("galp", DataTypes.DoubleType);
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String teacher = "t" + (i % 3);
      double lalp = -1 - (i % 3) - random.nextDouble() * 2;
      Double galp = i % 5 == 0 ? null : -2 + random.nextGaussian();
      rows.add(RowFactory.create(teacher, lalp, galp));
    }
    Dataset<Row> ok = spark().createDataFrame(rows, schema);
    Map<String, ReportData.Histogram> histograms = ReportStage.histograms(ok);
    assertEquals(List.of("lalp", "galp"), new ArrayList<>(histograms.keySet()));
    for (String metric : histograms.keySet()) {
      ReportData.Histogram h = histograms.get(metric);
      assertEquals(ReportStage.BINS, h.bins());
      assertTrue(h.low() < h.high());
      Map<String, long[]> expected = new HashMap<>();
      for (Row r : rows) {
        Object v = r.get(metric.equals("lalp") ? 1 : 2);
        if (v == null) {
          continue;
        }
        int bin = (int) Math.floor(((Double) v - h.low()) / (h.high() - h.low()) * h.bins());
        expected
            .computeIfAbsent(r.getString(0), t -> new long[h.bins()])[
            Math.max(0, Math.min(h.bins() - 1, bin))]++;
      }
      assertEquals(expected.keySet(), h.counts().keySet(), metric);
      expected.forEach(
          (teacher, counts) ->
              assertArrayEquals(counts, h.counts().get(teacher), metric + " " + teacher));
    }
    long galpCounted =
        histograms.get("galp").counts().values().stream()
            .flatMapToLong(java.util.Arrays::stream)
            .sum();
    assertEquals(320, galpCounted, "rows without GALP are left out");
  }

  @Test
  void aMetricWithNoValueHasNoHistogram() {
    StructType schema =
        new StructType()
            .add("teacher", DataTypes.StringType)
            .add("lalp", DataTypes.DoubleType)
            .add("galp", DataTypes.DoubleType);
    Dataset<Row> ok =
        spark()
            .createDataFrame(
                List.of(RowFactory.create("a", -1.0, null), RowFactory.create("b", -2.0, null)),
                schema);
    Map<String, ReportData.Histogram> histograms = ReportStage.histograms(ok);
    assertEquals(List.of("lalp"), new ArrayList<>(histograms.keySet()));
    assertEquals(
        1,
        histograms.get("lalp").counts().get("a")[0]
            + histograms.get("lalp").counts().get("a")[ReportStage.BINS - 1]);
  }

  @Test
  void worstStepsShowEachTopTeachersLowestLalpResponseCutIntoItsScoredSteps() {
    // response_id, teacher, lalp, paragraphs; two of t1's responses tie at the bottom
    Object[][] made = {
      {"a1", "t0", -1.0, 2}, {"a2", "t0", -1.5, 3}, {"a3", "t0", -1.2, 1},
      {"b2", "t1", -2.0, 2}, {"b1", "t1", -2.0, 3}, {"b3", "t1", -1.8, 2},
      {"c1", "t2", -3.0, 1}
    };
    StructType canonicalSchema =
        new StructType()
            .add(Fields.ROW, DataTypes.LongType)
            .add(Fields.PROMPT, DataTypes.StringType)
            .add(Fields.RESPONSE, DataTypes.StringType)
            .add(Fields.STEPS, DataTypes.createArrayType(DataTypes.StringType));
    List<Row> canonical = new ArrayList<>();
    List<Row> scores = new ArrayList<>();
    for (int i = 0; i < made.length; i++) {
      int paragraphs = (Integer) made[i][3];
      List<String> steps = new ArrayList<>();
      List<Float> stepScores = new ArrayList<>();
      for (int p = 0; p < paragraphs; p++) {
        steps.add("Step " + p + " of " + made[i][0] + ".");
        stepScores.add(-1f - p);
      }
      canonical.add(
          RowFactory.create((long) i, "Prompt of " + made[i][0], String.join("\n\n", steps), null));
      Object[] full = new Object[ScoreStage.SCHEMA.size()];
      full[ScoreStage.SCHEMA.fieldIndex(Fields.RESPONSE_ID)] = made[i][0];
      full[ScoreStage.SCHEMA.fieldIndex(Fields.PROMPT_ID)] = "p" + i;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.TEACHER)] = made[i][1];
      full[ScoreStage.SCHEMA.fieldIndex(Fields.LALP)] = made[i][2];
      full[ScoreStage.SCHEMA.fieldIndex(Fields.GALP)] = -1.0;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.N_TOKENS)] = 10;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.N_STEPS)] = paragraphs;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.TRUNCATED)] = false;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.STATUS)] = Status.OK;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.STEP_SCORES)] = stepScores.toArray(new Float[0]);
      full[ScoreStage.SCHEMA.fieldIndex(Fields.STUDENT)] = "s";
      full[ScoreStage.SCHEMA.fieldIndex(Fields.CONFIG_HASH)] = "h";
      full[ScoreStage.SCHEMA.fieldIndex(Fields.MODEL_TOKENS)] = 10L;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.ROW)] = (long) i;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.REUSED)] = false;
      scores.add(RowFactory.create(full));
    }
    Dataset<Row> ok = spark().createDataFrame(scores, ScoreStage.SCHEMA);
    List<Row> teachers =
        TeacherStage.aggregateTeachers(
                spark(), ok, new dev.naturalness.config.Settings.Teachers(10, 1))
            .collectAsList();
    List<ReportData.ResponseSteps> worst =
        ReportStage.worstSteps(
            ok, spark().createDataFrame(canonical, canonicalSchema), teachers, "paragraph");

    assertEquals(
        List.of("t0", "t1", "t2"),
        worst.stream().map(ReportData.ResponseSteps::teacher).toList(),
        "in LALP rank order");
    assertEquals(
        List.of("a2", "b1", "c1"),
        worst.stream().map(ReportData.ResponseSteps::responseId).toList(),
        "lowest LALP, ties to the smaller response_id");
    ReportData.ResponseSteps b1 = worst.get(1);
    assertEquals("Prompt of b1", b1.prompt());
    assertEquals(
        List.of("Step 0 of b1.\n\n", "Step 1 of b1.\n\n", "Step 2 of b1."),
        b1.steps(),
        "steps keep their separators");
    assertEquals(List.of(-1f, -2f, -3f), b1.scores());
    assertEquals(-2.0, b1.lalp());
  }
}
