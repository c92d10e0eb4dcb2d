package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.naturalness.RunOutputs;
import dev.naturalness.report.RunSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What every run must add up to, read back from its outputs: each student's rows in scores/ are the
 * rows read, and summary.json's statuses are those of scores/.
 */
final class Reconcile {
  private Reconcile() {}

  /** A table of the run, in the format its summary names. */
  static Dataset<Row> table(SparkSession spark, Path run, String name) throws IOException {
    String format = RunOutputs.summary(run).config().path("output").path("format").asText();
    String path = run.resolve(name).toString();
    return format.equals("json") ? spark.read().json(path) : spark.read().parquet(path);
  }

  /** Checks the run's counts; returns its statuses in scores/. */
  static Map<String, Long> check(SparkSession spark, Path run, long rowsIn) throws IOException {
    RunSummary summary = RunOutputs.summary(run);
    Dataset<Row> scores = table(spark, run, "scores");
    assertEquals(rowsIn, summary.counts().read(), "rows read");
    for (Row r : scores.groupBy("student").count().collectAsList()) {
      assertEquals(rowsIn, r.getLong(1), "rows in scores/ of student " + r.getString(0));
    }
    assertEquals(
        rowsIn * summary.students().size(), scores.count(), "rows in scores/, every student");
    Map<String, Long> statuses = new TreeMap<>();
    for (Row r : scores.groupBy("status").count().collectAsList()) {
      statuses.put(r.getString(0), r.getLong(1));
    }
    assertEquals(statuses, new TreeMap<>(summary.counts().byStatus()), "statuses");
    return statuses;
  }
}
