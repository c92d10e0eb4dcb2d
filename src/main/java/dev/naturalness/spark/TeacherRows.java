package dev.naturalness.spark;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createMapType;
import static org.apache.spark.sql.types.DataTypes.createStructField;

import dev.naturalness.data.TeacherSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/** The schema of teachers/ and its conversion from {@link TeacherSummary}, in one place. */
public final class TeacherRows {
  private static final String[] METRIC_COLUMNS = {
    "rank",
    "mean",
    "median",
    "ci_low",
    "ci_high",
    "win_rate",
    "prompts",
    "balanced_mean",
    "balanced_rank",
    "p_top1"
  };
  private static final String[] TRAITS = {
    "mean_chars",
    "mean_step_chars",
    "lalp_length_corr",
    "lalp_step_length_corr",
    "galp_length_corr",
    "galp_step_length_corr",
    "repeated_step_share",
    "lalp_no_repeats_mean",
    "lalp_drop_first_mean"
  };

  public static final StructType SCHEMA = schema();

  private TeacherRows() {}

  private static StructType schema() {
    List<StructField> fields =
        new ArrayList<>(
            List.of(
                createStructField(Fields.STUDENT, StringType, false),
                createStructField(Fields.TEACHER, StringType, false),
                createStructField("n_responses", LongType, false),
                createStructField("n_scored", LongType, false),
                createStructField("n_errors", LongType, false)));
    for (String m : new String[] {Fields.LALP, Fields.GALP}) {
      for (String c : METRIC_COLUMNS) {
        boolean whole = c.equals("rank") || c.equals("balanced_rank");
        fields.add(
            createStructField(
                m + "_" + c,
                c.equals("prompts") ? LongType : whole ? IntegerType : DoubleType,
                !c.equals("prompts")));
      }
    }
    fields.add(
        createStructField(
            "lalp_mean_by_window", createMapType(StringType, DoubleType, true), true));
    fields.add(
        createStructField(
            "lalp_rank_by_window", createMapType(StringType, IntegerType, true), true));
    for (String t : TRAITS) {
      fields.add(createStructField(t, DoubleType, true));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  public static Row toRow(TeacherSummary t) {
    List<Object> values =
        new ArrayList<>(List.of(t.student(), t.teacher(), t.responses(), t.scored(), t.errors()));
    for (TeacherSummary.MetricStatistics s : List.of(t.lalp(), t.galp())) {
      values.add(s.rank());
      values.add(s.mean());
      values.add(s.median());
      values.add(s.ciLow());
      values.add(s.ciHigh());
      values.add(s.winRate());
      values.add(s.prompts());
      values.add(s.balancedMean());
      values.add(s.balancedRank());
      values.add(s.topProbability());
    }
    values.add(scala(t.lalpMeanByWindow()));
    values.add(scala(t.lalpRankByWindow()));
    TeacherSummary.Traits x = t.traits();
    values.addAll(
        java.util.Arrays.asList(
            x.meanChars(),
            x.meanStepChars(),
            x.lalpLengthCorrelation(),
            x.lalpStepLengthCorrelation(),
            x.galpLengthCorrelation(),
            x.galpStepLengthCorrelation(),
            x.repeatedStepShare(),
            x.lalpNoRepeatsMean(),
            x.lalpDropFirstMean()));
    return RowFactory.create(values.toArray());
  }

  /** A teacher's row as a map of the table's column names, for JSON (report_data/teachers.json). */
  public static Map<String, Object> toMap(TeacherSummary t) {
    Row row = toRow(t);
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < SCHEMA.size(); i++) {
      Object v = row.get(i);
      out.put(
          SCHEMA.fields()[i].name(),
          v instanceof scala.collection.Map<?, ?> m ? JavaConverters.mapAsJavaMap(m) : v);
    }
    return out;
  }

  private static <V> Object scala(Map<String, V> m) {
    return m == null ? null : JavaConverters.mapAsScalaMap(m);
  }

  public static Dataset<Row> table(SparkSession spark, List<TeacherSummary> teachers) {
    List<Row> rows = new ArrayList<>();
    for (TeacherSummary t : teachers) {
      rows.add(toRow(t));
    }
    return spark.createDataFrame(rows, SCHEMA).coalesce(1);
  }
}
