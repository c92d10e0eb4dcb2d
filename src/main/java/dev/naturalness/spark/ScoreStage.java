package dev.naturalness.spark;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.model.StudentSpec;
import java.io.Serializable;
import java.util.Map;
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
      implements Serializable {
    public static Counters register(SparkSession spark) {
      return new Counters(
          spark.sparkContext().longAccumulator("naturalness.responses"),
          spark.sparkContext().longAccumulator("naturalness.tokens"));
    }
  }

  /**
   * What an executor needs to score with one student: settings records only (never a Config),
   * resolved on the driver.
   *
   * @param hadoop the Hadoop settings executors read students from Hadoop paths with (S3A's)
   */
  public record Task(
      StudentSpec student,
      Settings.Batching batching,
      Settings.Student studentSettings,
      Map<String, String> hadoop,
      Settings.Testing testing)
      implements Serializable {

    /** The task of one student, from the run's settings: the one place they are picked. */
    public static Task of(Settings.Job settings, StudentSpec student) {
      return new Task(
          student,
          settings.scoring().batching(),
          settings.student(),
          settings.s3().hadoopSettings(),
          settings.testing());
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
      Task task,
      Counters counters) {
    StructType input = (StructType) canonical.apply(Fields.INPUT).dataType();
    JavaRDD<Row> scored =
        partitionedRows.mapPartitions(new PartitionScorer(task, canonical, counters));
    return spark.createDataFrame(scored, ScoreRows.schema(input));
  }
}
