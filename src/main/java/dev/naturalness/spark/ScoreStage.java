package dev.naturalness.spark;

import dev.naturalness.data.Fields;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Scores every canonical row with one student in mapPartitions, one student per executor JVM. */
public final class ScoreStage {
  private ScoreStage() {}

  /**
   * The scores of the partitioned canonical rows, with the input rows' struct type {@code input}.
   */
  public static Dataset<Row> scoreResponses(
      SparkSession spark,
      JavaRDD<Row> partitionedRows,
      StructType canonical,
      ScoringTask task,
      ScoreCounters counters) {
    StructType input = (StructType) canonical.apply(Fields.INPUT).dataType();
    JavaRDD<Row> scored =
        partitionedRows.mapPartitions(new PartitionScorer(task, canonical, counters));
    return spark.createDataFrame(scored, ScoreRows.schema(input));
  }
}
