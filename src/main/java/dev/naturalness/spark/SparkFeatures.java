package dev.naturalness.spark;

import dev.naturalness.export.Feature;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * An export format's columns ({@link Feature}s, the one schema a format declares) as Spark's types,
 * and a row's values (by column name: a struct as a map by field name, a list as a list) as Spark's
 * values in that schema's order.
 */
final class SparkFeatures {
  private SparkFeatures() {}

  static StructType schema(List<Feature> features) {
    StructType out = new StructType();
    for (Feature f : features) {
      out = out.add(f.name(), type(f));
    }
    return out;
  }

  static DataType type(Feature f) {
    if (f.fields() != null) {
      return schema(f.fields());
    }
    if (f.element() != null) {
      return DataTypes.createArrayType(type(f.element()));
    }
    return switch (f.dtype()) {
      case "string" -> DataTypes.StringType;
      case "float64" -> DataTypes.DoubleType;
      case "int32" -> DataTypes.IntegerType;
      case "int64" -> DataTypes.LongType;
      case "bool" -> DataTypes.BooleanType;
      default -> throw new IllegalArgumentException("no Spark type for dtype " + f.dtype());
    };
  }

  /** The values of {@code features}, in order, from values by name (a missing one is null). */
  static Object[] values(List<Feature> features, Map<String, Object> byName) {
    Object[] out = new Object[features.size()];
    for (int i = 0; i < out.length; i++) {
      Feature f = features.get(i);
      out[i] = value(f, byName.get(f.name()));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object value(Feature f, Object v) {
    if (v == null) {
      return null;
    }
    if (f.fields() != null) {
      return RowFactory.create(values(f.fields(), (Map<String, Object>) v));
    }
    if (f.element() != null) {
      List<Object> items = (List<Object>) v;
      Object[] out = new Object[items.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = value(f.element(), items.get(i));
      }
      return out;
    }
    return v;
  }

  /** A row of {@code features} and then one more value. */
  static Row row(List<Feature> features, Map<String, Object> byName, Object last) {
    Object[] own = values(features, byName);
    Object[] all = new Object[own.length + 1];
    System.arraycopy(own, 0, all, 0, own.length);
    all[own.length] = last;
    return RowFactory.create(all);
  }
}
