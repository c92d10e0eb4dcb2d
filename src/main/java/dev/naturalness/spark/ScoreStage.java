package dev.naturalness.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/** Scores every canonical row with one student in mapPartitions, one student per executor JVM. */
public final class ScoreStage {
  /** Progress counters fed by the executors: responses done, and the model tokens they ran. */
  public record Counters(LongAccumulator responses, LongAccumulator tokens)
      implements java.io.Serializable {
    public static Counters register(SparkSession spark) {
      return new Counters(
          spark.sparkContext().longAccumulator("naturalness.responses"),
          spark.sparkContext().longAccumulator("naturalness.tokens"));
    }
  }

  private ScoreStage() {}

  /**
   * The scores of the partitioned canonical rows, with the input rows' struct type {@code input}.
   */
  public static Dataset<Row> scoreResponses(
      SparkSession spark,
      JavaRDD<Row> partitionedRows,
      StructType canonical,
      ScoreTask task,
      Counters counters) {
    StructType input = (StructType) canonical.apply(Fields.INPUT).dataType();
    JavaRDD<Row> scored =
        partitionedRows.mapPartitions(new PartitionScorer(task, canonical, counters));
    return spark.createDataFrame(scored, ScoreRows.schema(input));
  }
}
