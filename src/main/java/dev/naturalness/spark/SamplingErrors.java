package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.config.ConfigError;
import dev.naturalness.data.Fields;
import dev.naturalness.data.RowStatus;
import dev.naturalness.output.Outputs;
import dev.naturalness.report.SamplingError;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The standard error that sampling m steps adds to each teacher's mean LALP, from scores that carry
 * each response's own (lalp_se, steps_scored, n_steps): at the scores' own m it is theirs; at
 * another m each response's per-step spread is recovered from its standard error and scaled, s /
 * sqrt(m) x sqrt(1 - m / P), so a previous run tells what a planned m will give before it is paid
 * for.
 */
final class SamplingErrors {
  private SamplingErrors() {}

  /** One result: the figures, or why there are none. */
  record Expected(List<SamplingError> errors, String source) {}

  /** Per student and teacher, at m sampled steps, for the scores' estimator. */
  static List<SamplingError> at(Dataset<Row> scores, int m, String estimator) {
    Column ok = col(Fields.STATUS).equalTo(RowStatus.OK.code()).and(col(Fields.LALP).isNotNull());
    Column steps = col(Fields.N_STEPS).cast("double");
    Column scored = col(Fields.STEPS_SCORED).cast("double");
    Column se = col(Fields.LALP_SE);
    // The per-step spread of a response scored on a sample: its standard error, unscaled.
    Column spread = se.multiply(sqrt(scored)).divide(sqrt(lit(1.0).minus(scored.divide(steps))));
    Column atM =
        when(steps.leq(m), lit(0.0))
            .when(
                se.isNotNull().and(scored.lt(steps)).and(scored.geq(2)),
                spread
                    .divide(Math.sqrt(m))
                    .multiply(sqrt(lit(1.0).minus(lit((double) m).divide(steps)))));
    List<SamplingError> out = new ArrayList<>();
    for (Row r :
        scores
            .filter(ok)
            .withColumn("_se", atM)
            .groupBy(Fields.STUDENT, Fields.TEACHER)
            .agg(
                count(lit(1)).as("n"),
                sum(when(steps.gt(m), 1).otherwise(0)).as("sampled"),
                count(col("_se")).as("known"),
                sum(col("_se").multiply(col("_se"))).as("squares"))
            .orderBy(Fields.STUDENT, Fields.TEACHER)
            .collectAsList()) {
      long n = r.getAs("n");
      long known = r.getAs("known");
      Double squares = r.getAs("squares");
      out.add(
          new SamplingError(
              r.getAs(Fields.STUDENT),
              r.getAs(Fields.TEACHER),
              estimator,
              m,
              n,
              r.<Long>getAs("sampled"),
              known,
              known == 0 ? null : Math.sqrt(squares * n / known) / n));
    }
    return out;
  }

  /**
   * From the run in {@code previousRun} (its scores/, read as it wrote them), when it sampled with
   * the same estimator; otherwise none, and why.
   */
  static Expected fromPreviousRun(
      SparkSession spark, String previousRun, int m, String estimator, Configuration hadoop) {
    try {
      Path summary = new Path(previousRun, Outputs.SUMMARY);
      JsonNode node;
      try (InputStream in = summary.getFileSystem(hadoop).open(summary)) {
        node = new ObjectMapper().readTree(in);
      }
      JsonNode scoring = node.path("config").path("scoring");
      int before = scoring.path("sample-steps").asInt(0);
      String was =
          scoring.path("sample-estimator").asText(dev.naturalness.scoring.ScoreDefinition.PLAIN);
      if (before == 0) {
        return new Expected(
            List.of(), previousRun + " scored every step: no sampling error to scale");
      }
      if (!was.equals(estimator)) {
        return new Expected(
            List.of(), previousRun + " sampled with the " + was + " estimator, not " + estimator);
      }
      String format = node.path("config").path("output").path("format").asText("parquet");
      String scores = new Path(previousRun, "scores").toString();
      Dataset<Row> table =
          format.equals("json") ? spark.read().json(scores) : spark.read().parquet(scores);
      return new Expected(
          at(table, m, estimator),
          "scaled from " + previousRun + " (" + was + " estimator, m = " + before + ")");
    } catch (Exception e) { // Spark's AnalysisException is checked, though nothing declares it
      return new Expected(
          List.of(),
          "no previous run to scale from at "
              + previousRun
              + ": "
              + ConfigError.firstLine(String.valueOf(e.getMessage())));
    }
  }
}
