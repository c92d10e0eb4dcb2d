package dev.naturalness.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.checks.InputPreflight;
import dev.naturalness.config.ConfigError;
import dev.naturalness.config.Settings;
import dev.naturalness.data.ContentChecks;
import dev.naturalness.data.Duplicate;
import dev.naturalness.data.Fields;
import dev.naturalness.data.RowFlag;
import dev.naturalness.text.JsonText;
import dev.naturalness.text.StepSource;
import java.util.Arrays;
import java.util.LinkedHashSet;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the corpus, brings it to the job's standard columns whatever its shape ({@link
 * InputShapes}), and gives each row its identity and checks: its response_id, whether an earlier
 * row has that id, the sha256 of its text, its flags before selection (duplicate responses and
 * prompts across the corpus, and {@link ContentChecks}), and an estimate of its tokens.
 */
public final class CorpusReader {
  private CorpusReader() {}

  /**
   * The input rows as read, each with {@link Fields#ROW}, its place in this scan. A JSON file that
   * holds one top-level array is read as its elements; files in subdirectories (a dataset's {@code
   * data/train-00000-of-00004.parquet}) are read too. JSON is read from its text ({@link
   * JsonText}), a chat column as the raw JSON of its list.
   */
  public static Dataset<Row> readCorpus(
      SparkSession spark, Settings.Input input, InputPreflight.Found found) {
    var reader = spark.read().option("recursiveFileLookup", "true");
    Dataset<Row> raw =
        found.format().equals("parquet")
            ? reader.parquet(input.path())
            : readJson(spark, input, found.jsonArray());
    return raw.withColumn(Fields.ROW, monotonically_increasing_id());
  }

  /**
   * JSON Lines (or files of one JSON array each) through their text: an unpaired UTF-16 surrogate
   * escape becomes the replacement character, so that the row is flagged as invalid text instead of
   * scored as a '?' that the input never held; a chat column is read as the raw text of its list,
   * so that contents given as strings in some rows and as part lists in others stay apart.
   */
  private static Dataset<Row> readJson(
      SparkSession spark, Settings.Input input, boolean jsonArray) {
    var text = spark.read().option("recursiveFileLookup", "true");
    Dataset<String> records =
        (jsonArray ? text.option("wholetext", "true") : text)
            .textFile(input.path())
            .map(
                (MapFunction<String, String>) JsonText::replaceUnpairedSurrogates,
                Encoders.STRING());
    var json = spark.read().option("mode", "PERMISSIVE");
    StructType inferred = json.json(records).schema();
    String chat = chatColumn(input);
    if (chat == null || !RawColumns.has(inferred, chat)) {
      return json.schema(inferred).json(records);
    }
    StructField[] fields = inferred.fields().clone();
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equals(chat)) {
        fields[i] =
            new StructField(
                chat,
                DataTypes.StringType,
                true,
                new MetadataBuilder()
                    .putString(RawColumns.RAW_JSON_TYPE, fields[i].dataType().json())
                    .build());
      }
    }
    return json.schema(new StructType(fields)).json(records);
  }

  /** The column a chat shape reads its turns from, or null for other shapes. */
  private static String chatColumn(Settings.Input input) {
    return switch (input.shape()) {
      case MESSAGES -> input.columns().messages();
      case CONVERSATIONS -> input.columns().conversations();
      default -> null;
    };
  }

  /**
   * The canonical columns: the standard ones of {@link InputShapes}, the given steps and step ends,
   * the response_id (given, or a sha256 of prompt_id, teacher and response when missing, null or
   * empty), whether an earlier row has that id (and with what text), the sha256 of the row's text,
   * its flags and an estimate of its tokens; every input column as read rides along ({@link
   * Fields#INPUT}), so what selection writes comes from the very rows that were scored.
   */
  public static Dataset<Row> canonicalRows(
      Dataset<Row> raw, Settings.Input input, String stepSource) {
    StructType schema = raw.schema();
    if (input.shape() == Settings.Shape.FLAT) {
      InputPreflight.requireColumns(input, new LinkedHashSet<>(Arrays.asList(schema.fieldNames())));
    }
    Settings.Columns c = input.columns();
    boolean flat = input.shape() == Settings.Shape.FLAT;
    Column steps =
        stepColumn(
            schema,
            c.steps(),
            flat && stepSource.equals(StepSource.GIVEN_STEPS),
            "input.columns.steps",
            DataTypes.createArrayType(DataTypes.StringType));
    Column stepEnds =
        stepColumn(
            schema,
            c.stepEnds(),
            flat && stepSource.equals(StepSource.GIVEN_STEP_ENDS),
            "input.columns.step-ends",
            // 64-bit, so that an end beyond an int is refused as out of range, never wrapped.
            DataTypes.createArrayType(DataTypes.LongType));
    Dataset<Row> standard = InputShapes.standardize(raw, input, steps, stepEnds);
    return identify(standard, stepSource, raw);
  }

  /** The row's id, text hash, token estimate and flags; then duplicates of ids and texts. */
  private static Dataset<Row> identify(Dataset<Row> standard, String stepSource, Dataset<Row> raw) {
    Column given =
        stepSource.equals(StepSource.GIVEN_STEPS)
            ? to_json(col(Fields.STEPS))
            : stepSource.equals(StepSource.GIVEN_STEP_ENDS)
                ? to_json(col(Fields.STEP_ENDS))
                : lit("");
    Column derived =
        when(
                col(Fields.PROMPT_ID)
                    .isNull()
                    .or(col(Fields.TEACHER).isNull())
                    .or(col(Fields.RESPONSE).isNull()),
                concat_ws("", lit("row-"), col(Fields.ROW).cast(DataTypes.StringType)))
            .otherwise(
                sha2(
                    concat_ws(
                        "\u001f", col(Fields.PROMPT_ID), col(Fields.TEACHER), col(Fields.RESPONSE)),
                    256));
    Column id = col(Fields.RESPONSE_ID);
    Dataset<Row> rows =
        standard
            .withColumn(
                Fields.RESPONSE_ID,
                when(id.isNull().or(trim(id).equalTo("")), derived).otherwise(id))
            .withColumn(
                Fields.TEXT_SHA,
                sha2(
                    concat_ws(
                        "\u001f",
                        coalesce(col(Fields.PROMPT), lit("")),
                        coalesce(col(Fields.RESPONSE), lit("")),
                        coalesce(given, lit(""))),
                    256))
            .withColumn(
                Fields.EST_TOKENS,
                coalesce(length(col(Fields.PROMPT)), lit(0))
                    .plus(coalesce(length(col(Fields.RESPONSE)), lit(0)))
                    .cast(DataTypes.LongType))
            .withColumn(
                Fields.FLAGS,
                contentFlags()
                    .apply(
                        col(Fields.RESPONSE),
                        col(Fields.CORRECT),
                        col(Fields.COMPLETE),
                        col(Fields.FINISH_REASON)));
    return markDuplicates(rows, raw);
  }

  /**
   * The first row with a response_id is scored; later ones are marked, and told apart by whether
   * their text is the first one's. A response whose text an earlier row (by response_id) already
   * has, and a prompt whose text has a smaller prompt_id, are flagged. The job caches these rows,
   * so they are hashed into as many partitions as the input has (CachedPartitions).
   */
  private static Dataset<Row> markDuplicates(Dataset<Row> rows, Dataset<Row> raw) {
    WindowSpec byId = Window.partitionBy(Fields.RESPONSE_ID).orderBy(Fields.ROW);
    WindowSpec byResponse =
        Window.partitionBy(Fields.RESPONSE).orderBy(Fields.RESPONSE_ID, Fields.ROW);
    WindowSpec byPrompt = Window.partitionBy(Fields.PROMPT);
    int partitions = CachedPartitions.like(raw);
    Column duplicateResponse =
        col(Fields.RESPONSE).isNotNull().and(row_number().over(byResponse).gt(1));
    Column duplicatePrompt =
        col(Fields.PROMPT)
            .isNotNull()
            .and(min(col(Fields.PROMPT_ID)).over(byPrompt).notEqual(col(Fields.PROMPT_ID)));
    return rows.repartition(partitions, col(Fields.RESPONSE))
        .withColumn(
            Fields.FLAGS,
            functions.concat(
                col(Fields.FLAGS),
                functions.array(when(duplicateResponse, lit(RowFlag.DUPLICATE_RESPONSE.code())))))
        .repartition(partitions, col(Fields.PROMPT))
        .withColumn(
            Fields.FLAGS,
            functions.filter(
                functions.concat(
                    col(Fields.FLAGS),
                    functions.array(when(duplicatePrompt, lit(RowFlag.DUPLICATE_PROMPT.code())))),
                Column::isNotNull))
        .repartition(partitions, col(Fields.RESPONSE_ID))
        .withColumn(
            Fields.DUPLICATE,
            when(row_number().over(byId).equalTo(1), lit(Duplicate.NONE.name()))
                .when(
                    first(col(Fields.TEXT_SHA)).over(byId).equalTo(col(Fields.TEXT_SHA)),
                    lit(Duplicate.SAME_TEXT.name()))
                .otherwise(lit(Duplicate.OTHER_TEXT.name())));
  }

  /** The row's flags from its own content ({@link ContentChecks}), as codes. */
  private static UserDefinedFunction contentFlags() {
    UDF4<String, Boolean, Boolean, String, String[]> f =
        (response, correct, complete, finish) ->
            ContentChecks.flags(response, correct, complete, finish).stream()
                .map(RowFlag::code)
                .toArray(String[]::new);
    return functions.udf(f, DataTypes.createArrayType(DataTypes.StringType));
  }

  private static Column stepColumn(
      StructType schema, String column, boolean used, String key, ArrayType want) {
    if (!used || !RawColumns.has(schema, column)) {
      return lit(null).cast(want);
    }
    DataType t = schema.apply(column).dataType();
    boolean texts = want.elementType().equals(DataTypes.StringType);
    boolean fits =
        t instanceof ArrayType a
            && (texts
                ? a.elementType().equals(DataTypes.StringType)
                : a.elementType() instanceof IntegralType);
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
    return col(RawColumns.quoted(column)).cast(want);
  }
}
