package dev.naturalness.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.config.ConfigError;
import dev.naturalness.config.Settings;
import java.util.Arrays;
import java.util.LinkedHashSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Reads the corpus, checks its columns and brings it to the job's canonical columns. */
public final class CorpusReader {
  private CorpusReader() {}

  /**
   * The input rows as read, each with {@link Fields#ROW}, its place in the input. The place is
   * recomputed identically on every read of the same files (same files, same splits).
   */
  public static Dataset<Row> readCorpus(SparkSession spark, Settings.Input input, String format) {
    Dataset<Row> raw =
        format.equals("parquet")
            ? spark.read().parquet(input.path())
            : spark.read().option("mode", "PERMISSIVE").json(input.path());
    return raw.withColumn(Fields.ROW, monotonically_increasing_id());
  }

  /**
   * The canonical columns: prompt_id, prompt, teacher, response, response_id (given or a sha256 of
   * prompt_id, teacher and response), correct (boolean or null), steps (or null), the row's place,
   * whether an earlier row has its response_id, a read problem (or null) and estimated tokens.
   */
  public static Dataset<Row> canonicalRows(Dataset<Row> raw, Settings.Columns c) {
    StructType schema = raw.schema();
    InputPreflight.requireColumns(c, new LinkedHashSet<>(Arrays.asList(schema.fieldNames())));
    for (String[] kv : c.required()) {
      requireText(schema, kv[1], kv[0]);
    }
    Column responseId;
    if (has(schema, c.responseId())) {
      DataType t = schema.apply(c.responseId()).dataType();
      if (!(t.equals(DataTypes.StringType)
          || t.equals(DataTypes.LongType)
          || t.equals(DataTypes.IntegerType))) {
        throw new ConfigError(
            "input column '"
                + c.responseId()
                + "' (input.columns.response_id) has type "
                + t.simpleString()
                + "; expected string");
      }
      responseId = col(c.responseId()).cast(DataTypes.StringType);
    } else {
      // Rows missing a field become error rows; their ids must not collide with each other.
      responseId =
          when(
                  col(c.promptId())
                      .isNull()
                      .or(col(c.teacher()).isNull())
                      .or(col(c.response()).isNull()),
                  concat_ws("", lit("row-"), col(Fields.ROW).cast(DataTypes.StringType)))
              .otherwise(
                  sha2(
                      concat_ws(
                          "\u001f",
                          text(schema, c.promptId()),
                          text(schema, c.teacher()),
                          text(schema, c.response())),
                      256));
    }
    Column correct = lit(null).cast(DataTypes.BooleanType);
    Column problem = lit(null).cast(DataTypes.StringType);
    if (has(schema, CORRUPT_RECORD)) {
      problem =
          when(
              col(CORRUPT_RECORD).isNotNull(),
              concat_ws(
                  "",
                  lit(Status.BAD_RECORD + " the line is not a JSON object: "),
                  org.apache.spark.sql.functions.substring(col(CORRUPT_RECORD), 1, 80)));
    }
    if (has(schema, c.correct())) {
      DataType t = schema.apply(c.correct()).dataType();
      if (t.equals(DataTypes.BooleanType)) {
        correct = col(c.correct());
      } else if (t.equals(DataTypes.StringType)) {
        // Accepted per row: "true"/"false" in any case; anything else makes the row an error row.
        Column v = lower(trim(col(c.correct())));
        correct =
            when(v.equalTo("true"), lit(true))
                .when(v.equalTo("false"), lit(false))
                .otherwise(lit(null).cast(DataTypes.BooleanType));
        problem =
            coalesce(
                problem,
                when(
                    col(c.correct())
                        .isNotNull()
                        .and(v.notEqual("true"))
                        .and(v.notEqual("false"))
                        .and(v.notEqual("")),
                    concat_ws(
                        "",
                        lit(Status.BAD_CORRECT + " correct holds '"),
                        col(c.correct()),
                        lit("', expected true or false"))));
      } else {
        throw new ConfigError(
            "input column '"
                + c.correct()
                + "' (input.columns.correct) has type "
                + t.simpleString()
                + "; expected boolean");
      }
    }
    Column steps = lit(null).cast(DataTypes.createArrayType(DataTypes.StringType));
    if (has(schema, c.steps())) {
      DataType t = schema.apply(c.steps()).dataType();
      if (!(t instanceof ArrayType a && a.elementType().equals(DataTypes.StringType))) {
        throw new ConfigError(
            "input column '"
                + c.steps()
                + "' (input.columns.steps) has type "
                + t.simpleString()
                + "; expected array<string>");
      }
      steps = col(c.steps());
    }
    Dataset<Row> rows =
        raw.select(
            text(schema, c.promptId()).as(Fields.PROMPT_ID),
            text(schema, c.prompt()).as(Fields.PROMPT),
            text(schema, c.teacher()).as(Fields.TEACHER),
            text(schema, c.response()).as(Fields.RESPONSE),
            responseId.as(Fields.RESPONSE_ID),
            correct.as(Fields.CORRECT),
            steps.as(Fields.STEPS),
            col(Fields.ROW),
            problem.as(Fields.ROW_PROBLEM),
            coalesce(length(col(c.prompt())), lit(0))
                .plus(coalesce(length(col(c.response())), lit(0)))
                .cast(DataTypes.LongType)
                .as(Fields.EST_TOKENS),
            sha2(
                    concat_ws(
                        "\u001f",
                        coalesce(text(schema, c.prompt()), lit("")),
                        coalesce(text(schema, c.response()), lit(""))),
                    256)
                .as(Fields.TEXT_SHA));
    // The first row with a response_id is scored; later ones are marked. The job caches these rows,
    // so they are hashed into as many partitions as the input has (CachedPartitions).
    return rows.repartition(CachedPartitions.like(raw), col(Fields.RESPONSE_ID))
        .withColumn(
            Fields.DUPLICATE,
            row_number().over(Window.partitionBy(Fields.RESPONSE_ID).orderBy(Fields.ROW)).gt(1));
  }

  private static boolean has(StructType schema, String name) {
    return Arrays.asList(schema.fieldNames()).contains(name);
  }

  /** Spark's name for the raw text of a JSON line it could not parse. */
  static final String CORRUPT_RECORD = "_corrupt_record";

  /** Strings, or binary read as UTF-8 (invalid bytes become U+FFFD, which the scorer flags). */
  private static void requireText(StructType schema, String column, String key) {
    StructField f = schema.apply(column);
    if (!f.dataType().equals(DataTypes.StringType) && !f.dataType().equals(DataTypes.BinaryType)) {
      throw new ConfigError(
          "input column '"
              + column
              + "' (input.columns."
              + key
              + ") has type "
              + f.dataType().simpleString()
              + "; expected string");
    }
  }

  private static Column text(StructType schema, String column) {
    return schema.apply(column).dataType().equals(DataTypes.BinaryType)
        ? col(column).cast(DataTypes.StringType)
        : col(column);
  }
}
