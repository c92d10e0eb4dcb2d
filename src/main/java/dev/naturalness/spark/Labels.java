package dev.naturalness.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.config.ConfigError;
import java.util.ArrayList;
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

  /** A label as a boolean or null, and whether a label was there but not understood. */
  record Label(Column value, Column unrecognized) {}

  /** No label: unknown, and nothing not understood. */
  static Label none() {
    return new Label(lit(null).cast(DataTypes.BooleanType), lit(false));
  }

  /** A column's label. */
  static Label parse(StructType schema, String column, String key) {
    if (column.isEmpty() || !schema.getFieldIndex(column).isDefined()) {
      return none();
    }
    return parse(col(RawColumns.quoted(column)), schema.apply(column).dataType(), key);
  }

  static Label parse(Column v, DataType t, String key) {
    if (t.equals(DataTypes.BooleanType)) {
      return new Label(v, lit(false));
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
    return new Label(parsed, coalesce(unrecognized, lit(false)));
  }

  /**
   * Several lists' labels combined by a rule over the lists that know (a null list or label says
   * nothing): any: true when one says true, else false when one says false; all: false when one
   * says false, else true when one says true; first: the first that knows.
   */
  static Label combined(List<Label> labels, String rule) {
    Column anyTrue = lit(false);
    Column anyFalse = lit(false);
    Column unrecognized = lit(false);
    List<Column> values = new ArrayList<>();
    for (Label l : labels) {
      values.add(l.value());
      anyTrue = anyTrue.or(coalesce(l.value(), lit(false)));
      anyFalse = anyFalse.or(coalesce(not(l.value()), lit(false)));
      unrecognized = unrecognized.or(l.unrecognized());
    }
    Column none = lit(null).cast(DataTypes.BooleanType);
    Column value =
        switch (rule) {
          case "all" -> when(anyFalse, lit(false)).when(anyTrue, lit(true)).otherwise(none);
          case "first" -> coalesce(values.toArray(new Column[0]));
          default -> when(anyTrue, lit(true)).when(anyFalse, lit(false)).otherwise(none);
        };
    return new Label(value, unrecognized);
  }
}
