package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.config.ConfigError;
import dev.naturalness.data.Fields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The input's columns as read, as both the reader and the shapes take them: a text column (strings
 * or UTF-8 bytes), a given response id, why a JSON line could not be read, whether a chat column
 * was read as its raw JSON, the input row that rides along to selected/, and a name Spark must
 * quote.
 */
final class RawColumns {
  /** Spark's name for the raw text of a JSON line it could not parse. */
  static final String CORRUPT_RECORD = "_corrupt_record";

  /**
   * Field metadata that marks a JSON chat column read as the raw text of its list; its value is the
   * type Spark inferred for the column (what the input row carries, {@link #inputStruct}).
   */
  static final String RAW_JSON_TYPE = "naturalness.raw-json-type";

  /** Whether a column was read as the raw JSON text of its value ({@link #RAW_JSON_TYPE}). */
  static boolean isRawJson(StructType schema, String column) {
    return has(schema, column) && schema.apply(column).metadata().contains(RAW_JSON_TYPE);
  }

  /** Why Spark could not read a JSON line as an object (null for a row it could). */
  static Column readProblem(StructType schema) {
    if (!has(schema, CORRUPT_RECORD)) {
      return lit(null).cast(DataTypes.StringType);
    }
    return when(
        col(CORRUPT_RECORD).isNotNull(),
        concat_ws(
            "",
            lit("the line is not a JSON object: "),
            functions.substring(col(CORRUPT_RECORD), 1, 80)));
  }

  /** A given response id: a string or a whole number, as text. */
  static Column responseIdColumn(StructType schema, String column, String key) {
    DataType t = schema.apply(column).dataType();
    if (!(t.equals(DataTypes.StringType)
        || t.equals(DataTypes.LongType)
        || t.equals(DataTypes.IntegerType))) {
      throw new ConfigError(
          "input column '"
              + column
              + "' ("
              + key
              + ") has type "
              + t.simpleString()
              + "; expected string");
    }
    return col(quoted(column)).cast(DataTypes.StringType);
  }

  /**
   * Every input column but Spark's own and those named, as one struct; a column read as raw JSON is
   * parsed back into the type Spark inferred for it, as it would have been read.
   */
  static Column inputStruct(StructType schema, List<String> left) {
    return inputStruct(schema, left, List.of(), null);
  }

  /**
   * The input row, less the columns {@code left}; the text columns (strings, or lists of them)
   * named in {@code rewritten} through {@code rewrite}.
   */
  static Column inputStruct(
      StructType schema, List<String> left, List<String> rewritten, UnaryOperator<Column> rewrite) {
    List<Column> fields = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (!f.name().equals(Fields.ROW)
          && !f.name().equals(CORRUPT_RECORD)
          && !left.contains(f.name())) {
        Column value = col(quoted(f.name()));
        DataType type = f.dataType();
        if (f.metadata().contains(RAW_JSON_TYPE)) {
          type = DataType.fromJson(f.metadata().getString(RAW_JSON_TYPE));
          value = type.equals(DataTypes.StringType) ? value : from_json(value, type);
        }
        if (rewritten.contains(f.name())) {
          value = rewriteText(value, type, rewrite);
        }
        fields.add(value.as(f.name()));
      }
    }
    return struct(fields.toArray(new Column[0]));
  }

  private static Column rewriteText(Column value, DataType type, UnaryOperator<Column> rewrite) {
    if (type.equals(DataTypes.StringType)) {
      return rewrite.apply(value);
    }
    if (type instanceof ArrayType a && a.elementType().equals(DataTypes.StringType)) {
      return functions.transform(value, rewrite::apply);
    }
    return value;
  }

  static boolean has(StructType schema, String name) {
    return Arrays.asList(schema.fieldNames()).contains(name);
  }

  /** A column name that may hold dots, as Spark must read it. */
  static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /**
   * A text column: strings, or binary read as UTF-8 (invalid bytes become U+FFFD, which the row
   * checks flag); a column the input lacks is refused, naming its key.
   */
  static Column text(StructType schema, String column, String key) {
    if (!has(schema, column)) {
      throw new ConfigError(
          "input column '"
              + column
              + "' is missing; found "
              + Arrays.asList(schema.fieldNames())
              + "; set "
              + key);
    }
    StructField f = schema.apply(column);
    if (!f.dataType().equals(DataTypes.StringType) && !f.dataType().equals(DataTypes.BinaryType)) {
      throw new ConfigError(
          "input column '"
              + column
              + "' ("
              + key
              + ") has type "
              + f.dataType().simpleString()
              + "; expected string");
    }
    Column c = col(quoted(column));
    return f.dataType().equals(DataTypes.BinaryType) ? c.cast(DataTypes.StringType) : c;
  }

  /** A list column of generations (of this element type, or UTF-8 bytes; null: any). */
  static void requireList(StructType schema, String column, String key, DataType element) {
    DataType t = type(schema, column);
    boolean fits =
        t instanceof ArrayType a
            && (element == null
                || a.elementType().equals(element)
                || a.elementType().equals(DataTypes.BinaryType));
    if (!fits) {
      throw new ConfigError(
          "input column '"
              + column
              + "' ("
              + key
              + ") has type "
              + (t == null ? "(missing)" : t.simpleString())
              + "; input.shape = generations expects a list"
              + (element == null ? "" : " of " + element.simpleString()));
    }
  }

  /** A column's type, null when the input lacks it. */
  static DataType type(StructType schema, String column) {
    return schema.getFieldIndex(column).isDefined() ? schema.apply(column).dataType() : null;
  }

  private RawColumns() {}
}
