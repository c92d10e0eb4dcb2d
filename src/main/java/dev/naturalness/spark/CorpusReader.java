package dev.naturalness.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.checks.InputPreflight;
import dev.naturalness.config.ConfigError;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Duplicate;
import dev.naturalness.data.Fields;
import dev.naturalness.text.StepSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Reads the corpus, checks its columns and brings it to the job's canonical columns. */
public final class CorpusReader {
  /** Spark's name for the raw text of a JSON line it could not parse. */
  static final String CORRUPT_RECORD = "_corrupt_record";

  private static final List<String> TRUE = List.of("true", "yes", "1", "t", "y");
  private static final List<String> FALSE = List.of("false", "no", "0", "f", "n");

  private CorpusReader() {}

  /** The input rows as read, each with {@link Fields#ROW}, its place in this scan. */
  public static Dataset<Row> readCorpus(SparkSession spark, Settings.Input input, String format) {
    Dataset<Row> raw =
        format.equals("parquet")
            ? spark.read().parquet(input.path())
            : spark.read().option("mode", "PERMISSIVE").json(input.path());
    return raw.withColumn(Fields.ROW, monotonically_increasing_id());
  }

  /**
   * The canonical columns: prompt_id, prompt, teacher, response, response_id (given, or a sha256 of
   * prompt_id, teacher and response when missing, null or empty), correct (a boolean or null) and
   * whether it was unrecognised, the given steps and step ends, the row's place, a read problem,
   * whether an earlier row has its id (and with what text), the sha256 of its text, estimated
   * tokens, and every input column as read ({@link Fields#INPUT}): what selection writes comes from
   * the very rows that were scored.
   */
  public static Dataset<Row> canonicalRows(
      Dataset<Row> raw, Settings.Input input, String stepSource) {
    Settings.Columns c = input.columns();
    StructType schema = raw.schema();
    InputPreflight.requireColumns(c, new LinkedHashSet<>(Arrays.asList(schema.fieldNames())));
    for (String[] kv : c.required()) {
      requireText(schema, kv[1], kv[0]);
    }
    Column steps =
        stepColumn(
            schema,
            c.steps(),
            stepSource.equals(StepSource.GIVEN_STEPS),
            "input.columns.steps",
            DataTypes.createArrayType(DataTypes.StringType));
    Column stepEnds =
        stepColumn(
            schema,
            c.stepEnds(),
            stepSource.equals(StepSource.GIVEN_STEP_ENDS),
            "input.columns.step-ends",
            // 64-bit, so that an end beyond an int is refused as out of range, never wrapped.
            DataTypes.createArrayType(DataTypes.LongType));
    Column given =
        stepSource.equals(StepSource.GIVEN_STEPS)
            ? to_json(steps)
            : stepSource.equals(StepSource.GIVEN_STEP_ENDS) ? to_json(stepEnds) : lit("");
    Column[] correct = correct(schema, c.correct());
    Dataset<Row> rows =
        raw.select(
            text(schema, c.promptId()).as(Fields.PROMPT_ID),
            text(schema, c.prompt()).as(Fields.PROMPT),
            text(schema, c.teacher()).as(Fields.TEACHER),
            text(schema, c.response()).as(Fields.RESPONSE),
            responseId(schema, c).as(Fields.RESPONSE_ID),
            correct[0].as(Fields.CORRECT),
            correct[1].as(Fields.CORRECT_UNRECOGNIZED),
            steps.as(Fields.STEPS),
            stepEnds.as(Fields.STEP_ENDS),
            col(Fields.ROW),
            readProblem(schema).as(Fields.READ_PROBLEM),
            coalesce(length(col(quoted(c.prompt()))), lit(0))
                .plus(coalesce(length(col(quoted(c.response()))), lit(0)))
                .cast(DataTypes.LongType)
                .as(Fields.EST_TOKENS),
            sha2(
                    concat_ws(
                        "\u001f",
                        coalesce(text(schema, c.prompt()), lit("")),
                        coalesce(text(schema, c.response()), lit("")),
                        coalesce(given, lit(""))),
                    256)
                .as(Fields.TEXT_SHA),
            inputStruct(schema).as(Fields.INPUT));
    return markDuplicates(rows, raw);
  }

  /**
   * The first row with a response_id is scored; later ones are marked, and told apart by whether
   * their text is the first one's. The job caches these rows, so they are hashed into as many
   * partitions as the input has (CachedPartitions).
   */
  private static Dataset<Row> markDuplicates(Dataset<Row> rows, Dataset<Row> raw) {
    var byId = Window.partitionBy(Fields.RESPONSE_ID).orderBy(Fields.ROW);
    return rows.repartition(CachedPartitions.like(raw), col(Fields.RESPONSE_ID))
        .withColumn(
            Fields.DUPLICATE,
            when(row_number().over(byId).equalTo(1), lit(Duplicate.NONE.name()))
                .when(
                    first(col(Fields.TEXT_SHA)).over(byId).equalTo(col(Fields.TEXT_SHA)),
                    lit(Duplicate.SAME_TEXT.name()))
                .otherwise(lit(Duplicate.OTHER_TEXT.name())));
  }

  /** Why Spark could not read a JSON line as an object (null for a row it could). */
  private static Column readProblem(StructType schema) {
    if (!has(schema, CORRUPT_RECORD)) {
      return lit(null).cast(DataTypes.StringType);
    }
    return when(
        col(CORRUPT_RECORD).isNotNull(),
        concat_ws(
            "",
            lit("the line is not a JSON object: "),
            org.apache.spark.sql.functions.substring(col(CORRUPT_RECORD), 1, 80)));
  }

  /**
   * The given id when it has one, else the sha256 of prompt_id, teacher and response (row-N when
   * one is missing).
   */
  private static Column responseId(StructType schema, Settings.Columns c) {
    Column derived =
        when(
                col(quoted(c.promptId()))
                    .isNull()
                    .or(col(quoted(c.teacher())).isNull())
                    .or(col(quoted(c.response())).isNull()),
                concat_ws("", lit("row-"), col(Fields.ROW).cast(DataTypes.StringType)))
            .otherwise(
                sha2(
                    concat_ws(
                        "\u001f",
                        text(schema, c.promptId()),
                        text(schema, c.teacher()),
                        text(schema, c.response())),
                    256));
    if (!has(schema, c.responseId())) {
      return derived;
    }
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
    Column given = col(quoted(c.responseId())).cast(DataTypes.StringType);
    return when(given.isNull().or(trim(given).equalTo("")), derived).otherwise(given);
  }

  /** {correct as a boolean or null, whether a label was there but not understood}. */
  private static Column[] correct(StructType schema, String column) {
    if (!has(schema, column)) {
      return new Column[] {lit(null).cast(DataTypes.BooleanType), lit(false)};
    }
    DataType t = schema.apply(column).dataType();
    Column v = col(quoted(column));
    if (t.equals(DataTypes.BooleanType)) {
      return new Column[] {v, lit(false)};
    }
    Column word;
    if (t.equals(DataTypes.StringType)) {
      word = lower(trim(v));
    } else if (t instanceof NumericType) {
      // 1 and 0 (1.0 and 0.0 too) are labels; other numbers are not.
      word = when(v.equalTo(1), lit("1")).when(v.equalTo(0), lit("0")).otherwise(lit("?"));
    } else {
      throw new ConfigError(
          "input column '"
              + column
              + "' (input.columns.correct) has type "
              + t.simpleString()
              + "; expected boolean, a string such as true/false or yes/no, or 1/0");
    }
    Column parsed =
        when(word.isin(TRUE.toArray()), lit(true))
            .when(word.isin(FALSE.toArray()), lit(false))
            .otherwise(lit(null).cast(DataTypes.BooleanType));
    Column unrecognized = v.isNotNull().and(word.notEqual("")).and(parsed.isNull());
    return new Column[] {parsed, coalesce(unrecognized, lit(false))};
  }

  private static Column stepColumn(
      StructType schema, String column, boolean used, String key, ArrayType want) {
    if (!used || !has(schema, column)) {
      return lit(null).cast(want);
    }
    DataType t = schema.apply(column).dataType();
    boolean texts = want.elementType().equals(DataTypes.StringType);
    boolean fits =
        t instanceof ArrayType a
            && (texts
                ? a.elementType().equals(DataTypes.StringType)
                : a.elementType() instanceof org.apache.spark.sql.types.IntegralType);
    if (!fits) {
      throw new ConfigError(
          "input column '"
              + column
              + "' ("
              + key
              + ") has type "
              + t.simpleString()
              + "; expected "
              + want.simpleString());
    }
    return col(quoted(column)).cast(want);
  }

  /** Every input column but Spark's own, as one struct. */
  private static Column inputStruct(StructType schema) {
    List<Column> fields = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (!f.name().equals(Fields.ROW) && !f.name().equals(CORRUPT_RECORD)) {
        fields.add(col(quoted(f.name())).as(f.name()));
      }
    }
    return struct(fields.toArray(new Column[0]));
  }

  private static boolean has(StructType schema, String name) {
    return Arrays.asList(schema.fieldNames()).contains(name);
  }

  /** A column name that may hold dots, as Spark must read it. */
  static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** Strings, or binary read as UTF-8 (invalid bytes become U+FFFD, which the row checks flag). */
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
    Column c = col(quoted(column));
    return schema.apply(column).dataType().equals(DataTypes.BinaryType)
        ? c.cast(DataTypes.StringType)
        : c;
  }
}
