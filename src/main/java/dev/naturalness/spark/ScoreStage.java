package dev.naturalness.spark;

import dev.naturalness.data.Fields;
import dev.naturalness.output.ResumeArea;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Scores every canonical row with one student in mapPartitions, one student per executor JVM, each
 * task committing its scores to the run's work area as it ends.
 */
public final class ScoreStage {
  private ScoreStage() {}

  /**
   * The scores of the partitioned canonical rows, with the input rows' struct type {@code input};
   * each task commits what it scored to the work area {@code commit} as it ends.
   */
  public static Dataset<Row> scoreResponses(
      SparkSession spark,
      JavaRDD<Row> partitionedRows,
      StructType canonical,
      ScoringTask task,
      ScoreCounters counters,
      ResumeArea.Target commit) {
    StructType input = (StructType) canonical.apply(Fields.INPUT).dataType();
    StructType scores = ScoreRows.schema(input);
    JavaRDD<Row> scored =
        partitionedRows
            .mapPartitions(new PartitionScorer(task, canonical, counters))
            .mapPartitions(new ResumeCommitter(commit, task.hadoop(), scores));
    return spark.createDataFrame(scored, scores);
  }
}
