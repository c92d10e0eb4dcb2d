package dev.naturalness.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.config.ConfigError;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * A correct label read as a boolean: a boolean, or a string or number that says it ({@code
 * true/false}, {@code yes/no}, {@code 1/0}, {@code t/f}, {@code y/n} in any case); anything else is
 * unknown, and counted as a label not understood.
 */
final class Labels {
  private static final List<String> TRUE = List.of("true", "yes", "1", "t", "y");
  private static final List<String> FALSE = List.of("false", "no", "0", "f", "n");

  private Labels() {}

  /** No label: unknown, and nothing not understood. */
  static Column[] none() {
    return new Column[] {lit(null).cast(DataTypes.BooleanType), lit(false)};
  }

  /** {the column's label as a boolean or null, whether a label was there but not understood}. */
  static Column[] parse(StructType schema, String column, String key) {
    if (column.isEmpty() || !schema.getFieldIndex(column).isDefined()) {
      return none();
    }
    return parse(col(CorpusReader.quoted(column)), schema.apply(column).dataType(), key);
  }

  static Column[] parse(Column v, DataType t, String key) {
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
          "a label ("
              + key
              + ") has type "
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
}
