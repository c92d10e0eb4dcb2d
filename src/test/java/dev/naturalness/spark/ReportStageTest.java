package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.config.Settings;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.report.ReportData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The report's histograms and worst steps, computed in Spark, against the same computed here. */
class ReportStageTest extends SparkTestBase {
  @Test
  void histogramsCountEveryScoredResponseInItsBinPerTeacherAndMetric() {
    Random random = new Random(7);
    List<ScoreFixtures.Made> made = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      double lalp = -1 - (i % 3) - random.nextDouble() * 2;
      Double galp = i % 5 == 0 ? null : -2 + random.nextGaussian();
      made.add(new ScoreFixtures.Made("r" + i, "p" + i, "t" + (i % 3), lalp, galp, "ok"));
    }
    Map<String, ReportData.Histogram> histograms =
        ReportStage.histograms(ScoreFixtures.scores(spark(), made)).get("s");
    assertEquals(List.of("lalp", "galp"), new ArrayList<>(histograms.keySet()));
    for (String metric : histograms.keySet()) {
      ReportData.Histogram h = histograms.get(metric);
      assertEquals(ReportStage.BINS, h.bins());
      assertTrue(h.low() < h.high());
      Map<String, long[]> expected = new HashMap<>();
      for (ScoreFixtures.Made m : made) {
        Double v = metric.equals("lalp") ? m.lalp() : m.galp();
        if (v == null) {
          continue;
        }
        int bin = (int) Math.floor((v - h.low()) / (h.high() - h.low()) * h.bins());
        expected
            .computeIfAbsent(m.teacher(), t -> new long[h.bins()])[
            Math.max(0, Math.min(h.bins() - 1, bin))]++;
      }
      assertEquals(expected.keySet(), h.counts().keySet(), metric);
      expected.forEach(
          (teacher, counts) ->
              assertArrayEquals(counts, h.counts().get(teacher), metric + " " + teacher));
    }
    long galpCounted =
        histograms.get("galp").counts().values().stream().flatMapToLong(Arrays::stream).sum();
    assertEquals(320, galpCounted, "rows without GALP are left out");
  }

  @Test
  void aMetricWithNoValueHasNoHistogram() {
    List<ScoreFixtures.Made> made =
        List.of(
            new ScoreFixtures.Made("r1", "p1", "a", -1.0, null, "ok"),
            new ScoreFixtures.Made("r2", "p2", "b", -2.0, null, "ok"));
    Map<String, ReportData.Histogram> histograms =
        ReportStage.histograms(ScoreFixtures.scores(spark(), made)).get("s");
    assertEquals(List.of("lalp"), new ArrayList<>(histograms.keySet()));
    assertEquals(
        1,
        histograms.get("lalp").counts().get("a")[0]
            + histograms.get("lalp").counts().get("a")[ReportStage.BINS - 1]);
  }

  @Test
  void worstStepsShowEachTopTeachersLowestLalpResponseCutAtTheSpansItWasScoredWith() {
    // response_id, teacher, lalp, steps; two of t1's responses tie at the bottom
    Object[][] rows = {
      {"a1", "t0", -1.0, 2},
      {"a2", "t0", -1.5, 3},
      {"a3", "t0", -1.2, 1},
      {"b2", "t1", -2.0, 2},
      {"b1", "t1", -2.0, 3},
      {"b3", "t1", -1.8, 2},
      {"c1", "t2", -3.0, 1}
    };
    List<ScoreFixtures.Made> made = new ArrayList<>();
    for (Object[] r : rows) {
      int n = (Integer) r[3];
      StringBuilder text = new StringBuilder();
      float[] scores = new float[n];
      int[] spans = new int[2 * n];
      for (int p = 0; p < n; p++) {
        // A step with a character outside the BMP: spans are code points, the report cuts chars.
        String step = "Step " + p + " of " + r[0] + " \uD83C\uDF4E." + (p < n - 1 ? "\n\n" : "");
        spans[2 * p] = text.codePointCount(0, text.length());
        text.append(step);
        spans[2 * p + 1] = text.codePointCount(0, text.length());
        scores[p] = -1f - p;
      }
      made.add(
          new ScoreFixtures.Made(
                  (String) r[0], "p-" + r[0], (String) r[1], (Double) r[2], -1.0, "ok")
              .withSteps(text.toString(), scores, spans));
    }
    Dataset<Row> ok = ScoreFixtures.scores(spark(), made);
    List<TeacherSummary> teachers =
        TeacherStage.aggregateTeachers(ok, new Settings.Teachers(10, 1), List.of("fraction=0.25"));
    List<ReportData.ResponseSteps> worst =
        ReportStage.worstSteps(ok, teachers, ScoreFixtures.canonical(spark(), made));
    assertEquals(
        List.of("t0", "t1", "t2"),
        worst.stream().map(ReportData.ResponseSteps::teacher).toList(),
        "in LALP rank order");
    assertEquals(
        List.of("a2", "b1", "c1"),
        worst.stream().map(ReportData.ResponseSteps::responseId).toList(),
        "lowest LALP, ties to the smaller response_id");
    ReportData.ResponseSteps b1 = worst.get(1);
    assertEquals("Prompt of p-b1", b1.prompt());
    assertEquals(
        List.of(
            "Step 0 of b1 \uD83C\uDF4E.\n\n",
            "Step 1 of b1 \uD83C\uDF4E.\n\n",
            "Step 2 of b1 \uD83C\uDF4E."),
        b1.steps(),
        "the spans the scores carry, separators kept");
    assertEquals(List.of(-1f, -2f, -3f), b1.scores());
    assertEquals(-2.0, b1.lalp());
  }
}
