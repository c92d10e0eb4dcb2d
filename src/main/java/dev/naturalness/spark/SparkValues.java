package dev.naturalness.spark;

import dev.naturalness.data.Strata;
import dev.naturalness.data.Stratum;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Values between Java and Spark rows: arrays (a Seq in a row read back), maps (a scala Map), and
 * step spans (an array of {start, end} structs, interleaved ints in Java). Null stays null.
 */
final class SparkValues {
  /** A step's [start, end) in code points of the response. */
  static final StructType SPAN =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("start", DataTypes.IntegerType, false),
              DataTypes.createStructField("end", DataTypes.IntegerType, false)));

  private SparkValues() {}

  /** {@link Strata} as a struct (scores/' lalp_strata, a stored part's strata). */
  static final StructType STRATA =
      new StructType()
          .add("covered_steps", DataTypes.IntegerType, false)
          .add("covered_sampled", DataTypes.IntegerType, false)
          .add("covered_squares", DataTypes.DoubleType, false)
          .add("uncovered_steps", DataTypes.IntegerType, false)
          .add("uncovered_sampled", DataTypes.IntegerType, false)
          .add("uncovered_squares", DataTypes.DoubleType, false);

  static Row strata(Strata s) {
    return s == null
        ? null
        : RowFactory.create(
            s.covered().steps(),
            s.covered().sampled(),
            s.covered().squares(),
            s.uncovered().steps(),
            s.uncovered().sampled(),
            s.uncovered().squares());
  }

  static Strata strata(Object v) {
    if (v == null) {
      return null;
    }
    // A struct built in memory has no schema to look names up in: read it by STRATA's names.
    Row r = (Row) v;
    return new Strata(stratum(r, "covered"), stratum(r, "uncovered"));
  }

  private static Stratum stratum(Row r, String which) {
    return new Stratum(
        r.getInt(STRATA.fieldIndex(which + "_steps")),
        r.getInt(STRATA.fieldIndex(which + "_sampled")),
        r.getDouble(STRATA.fieldIndex(which + "_squares")));
  }

  /** An array column's value as a Java list (a row read back holds a Seq; one built, a list). */
  @SuppressWarnings("unchecked")
  static <T> List<T> list(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Seq<?> seq) {
      return (List<T>) new ArrayList<>(JavaConverters.seqAsJavaList(seq));
    }
    if (v instanceof Object[] array) {
      return (List<T>) List.of(array);
    }
    return (List<T>) v;
  }

  @SuppressWarnings("unchecked")
  static <V> Map<String, V> javaMap(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof scala.collection.Map<?, ?> m) { // not java.util.Map
      return new LinkedHashMap<>((Map<String, V>) JavaConverters.mapAsJavaMap(m));
    }
    return (Map<String, V>) v;
  }

  static <V> Object scalaMap(Map<String, V> m) {
    return m == null ? null : JavaConverters.mapAsScalaMap(m);
  }

  static Float[] boxed(float[] values) {
    if (values == null) {
      return null;
    }
    Float[] out = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  static float[] floats(Object v) {
    List<Float> values = list(v);
    if (values == null) {
      return null;
    }
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  static Row[] spans(int[] interleaved) {
    if (interleaved == null) {
      return null;
    }
    Row[] out = new Row[interleaved.length / 2];
    for (int k = 0; k < out.length; k++) {
      out[k] = RowFactory.create(interleaved[2 * k], interleaved[2 * k + 1]);
    }
    return out;
  }

  static int[] spans(Object v) {
    List<Row> spans = list(v);
    if (spans == null) {
      return null;
    }
    int[] out = new int[spans.size() * 2];
    for (int k = 0; k < spans.size(); k++) {
      out[2 * k] = spans.get(k).getAs("start");
      out[2 * k + 1] = spans.get(k).getAs("end");
    }
    return out;
  }

  /** A whole number of a row, 0 when null (sums over no rows are null). */
  static long longOr0(Row r, String column) {
    Object v = r.getAs(column);
    return v == null ? 0 : ((Number) v).longValue();
  }
}
