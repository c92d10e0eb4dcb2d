package dev.naturalness.spark;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/** Scores every canonical row in mapPartitions, one student per executor JVM. */
public final class ScoreStage {
  /** scores/ as written, plus the internal columns that later stages need. */
  public static final StructType SCHEMA =
      createStructType(
          List.of(
              createStructField(Fields.RESPONSE_ID, StringType, true),
              createStructField(Fields.PROMPT_ID, StringType, true),
              createStructField(Fields.TEACHER, StringType, true),
              createStructField(Fields.LALP, DoubleType, true),
              createStructField(Fields.GALP, DoubleType, true),
              createStructField(Fields.N_TOKENS, IntegerType, false),
              createStructField(Fields.N_STEPS, IntegerType, false),
              createStructField(Fields.TRUNCATED, BooleanType, false),
              createStructField(Fields.STATUS, StringType, false),
              createStructField(Fields.ERROR, StringType, true),
              createStructField(Fields.STEP_SCORES, createArrayType(FloatType, false), true),
              createStructField(Fields.STUDENT, StringType, false),
              createStructField(Fields.CONFIG_HASH, StringType, false),
              createStructField(Fields.MODEL_TOKENS, LongType, false),
              createStructField(Fields.CORRECT, BooleanType, true),
              createStructField(Fields.ROW, LongType, false),
              createStructField(Fields.TEXT_SHA, StringType, true),
              createStructField(Fields.REUSED, BooleanType, false)));

  /** Columns that stay inside the job. */
  public static final List<String> INTERNAL =
      List.of(Fields.MODEL_TOKENS, Fields.CORRECT, Fields.ROW, Fields.TEXT_SHA, Fields.REUSED);

  /** Progress counters fed by the executors. */
  public record Counters(LongAccumulator responses, LongAccumulator tokens)
      implements java.io.Serializable {
    public static Counters register(SparkSession spark) {
      return new Counters(
          spark.sparkContext().longAccumulator("naturalness.responses"),
          spark.sparkContext().longAccumulator("naturalness.tokens"));
    }
  }

  private ScoreStage() {}

  public static Dataset<Row> scoreResponses(
      SparkSession spark,
      JavaRDD<Row> partitionedRows,
      StructType canonical,
      ScoreContext context,
      Counters counters) {
    JavaRDD<Row> scored =
        partitionedRows.mapPartitions(new PartitionScorer(context, canonical, counters));
    return spark.createDataFrame(scored, SCHEMA);
  }
}
