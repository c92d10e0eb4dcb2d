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
    StructType schema = new StructType().add("teacher", DataTypes.StringType).add("lalp", DataTypes.DoubleType)
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
        expected.computeIfAbsent(r.getString(0), t -> new long[h.bins()])[Math.max(0, Math.min(h.bins() - 1, bin))]++;
      }
      assertEquals(expected.keySet(), h.counts().keySet(), metric);
      expected.forEach((teacher, counts) -> assertArrayEquals(counts, h.counts().get(teacher), metric + " " + teacher));
    }
    long galpCounted = histograms.get("galp").counts().values().stream().flatMapToLong(java.util.Arrays::stream).sum();
    assertEquals(320, galpCounted, "rows without GALP are left out");
  }

  @Test
  void aMetricWithNoValueHasNoHistogram() {
    StructType schema = new StructType().add("teacher", DataTypes.StringType).add("lalp", DataTypes.DoubleType)
        .add("galp", DataTypes.DoubleType);
    Dataset<Row> ok = spark().createDataFrame(List.of(RowFactory.create("a", -1.0, null), RowFactory.create("b", -2.0, null)), schema);
    Map<String, ReportData.Histogram> histograms = ReportStage.histograms(ok);
    assertEquals(List.of("lalp"), new ArrayList<>(histograms.keySet()));
    assertEquals(1, histograms.get("lalp").counts().get("a")[0] + histograms.get("lalp").counts().get("a")[ReportStage.BINS - 1]);
  }
}
