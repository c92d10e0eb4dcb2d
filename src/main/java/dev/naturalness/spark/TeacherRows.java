package dev.naturalness.spark;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createMapType;

import dev.naturalness.data.Fields;
import dev.naturalness.data.Metric;
import dev.naturalness.data.TeacherSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of teachers/, in one table: the teacher's counts, then per {@link Metric} its
 * statistics under {@code <metric>_<statistic>} names, each window's mean and rank, and what the
 * scores may be rewarding (per metric, {@code <metric>_length_corr} and {@code
 * <metric>_step_length_corr}).
 */
public final class TeacherRows {
  /** Writes only: teachers/ is read back by name (the nightly comparison reads lalp_rank). */
  private static final ColumnTable<TeacherSummary, Void> TABLE =
      new ColumnTable<>(columns(), () -> null, b -> null);

  public static final StructType SCHEMA = TABLE.schema();

  private TeacherRows() {}

  /** A metric's statistic column: lalp_mean, galp_win_rate, ... */
  public static String column(Metric metric, String statistic) {
    return metric.key() + "_" + statistic;
  }

  private static List<ColumnTable.Column<TeacherSummary, Void>> columns() {
    List<ColumnTable.Column<TeacherSummary, Void>> c = new ArrayList<>();
    c.add(col(Fields.STUDENT, StringType, false, TeacherSummary::student));
    c.add(col(Fields.TEACHER, StringType, false, TeacherSummary::teacher));
    c.add(col("n_responses", LongType, false, TeacherSummary::responses));
    c.add(col("n_scored", LongType, false, TeacherSummary::scored));
    c.add(col("n_errors", LongType, false, TeacherSummary::errors));
    metricColumns(c);
    c.add(
        col(
            "lalp_mean_by_window",
            createMapType(StringType, DoubleType, true),
            true,
            t -> SparkValues.scalaMap(t.lalpMeanByWindow())));
    c.add(
        col(
            "lalp_rank_by_window",
            createMapType(StringType, IntegerType, true),
            true,
            t -> SparkValues.scalaMap(t.lalpRankByWindow())));
    c.add(col("mean_chars", DoubleType, true, t -> t.traits().meanChars()));
    c.add(col("mean_step_chars", DoubleType, true, t -> t.traits().meanStepChars()));
    for (Metric m : Metric.values()) {
      c.add(
          col(
              column(m, "length_corr"),
              DoubleType,
              true,
              t -> t.traits().lengthCorrelation().get(m)));
      c.add(
          col(
              column(m, "step_length_corr"),
              DoubleType,
              true,
              t -> t.traits().stepLengthCorrelation().get(m)));
    }
    c.add(col("repeated_step_share", DoubleType, true, t -> t.traits().repeatedStepShare()));
    c.add(col("lalp_no_repeats_mean", DoubleType, true, t -> t.traits().lalpNoRepeatsMean()));
    c.add(col("lalp_drop_first_mean", DoubleType, true, t -> t.traits().lalpDropFirstMean()));
    c.add(col("teacher_family", StringType, true, TeacherSummary::family));
    c.add(col("same_family", DataTypes.BooleanType, true, TeacherSummary::sameFamily));
    return c;
  }

  /** Per metric, its statistics: lalp_rank, lalp_mean, ..., galp_p_top1. */
  private static void metricColumns(List<ColumnTable.Column<TeacherSummary, Void>> c) {
    for (Metric m : Metric.values()) {
      c.add(stat(m, "rank", IntegerType, TeacherSummary.MetricStatistics::rank));
      c.add(stat(m, "mean", DoubleType, TeacherSummary.MetricStatistics::mean));
      c.add(stat(m, "median", DoubleType, TeacherSummary.MetricStatistics::median));
      c.add(stat(m, "ci_low", DoubleType, TeacherSummary.MetricStatistics::ciLow));
      c.add(stat(m, "ci_high", DoubleType, TeacherSummary.MetricStatistics::ciHigh));
      c.add(stat(m, "win_rate", DoubleType, TeacherSummary.MetricStatistics::winRate));
      c.add(
          new ColumnTable.Column<>(
              column(m, "prompts"), LongType, false, t -> t.of(m).prompts(), (b, v) -> {}));
      c.add(stat(m, "balanced_mean", DoubleType, TeacherSummary.MetricStatistics::balancedMean));
      c.add(stat(m, "balanced_rank", IntegerType, TeacherSummary.MetricStatistics::balancedRank));
      c.add(stat(m, "p_top1", DoubleType, TeacherSummary.MetricStatistics::topProbability));
    }
  }

  private static ColumnTable.Column<TeacherSummary, Void> col(
      String name, DataType type, boolean nullable, ColumnTable.Reader<TeacherSummary> read) {
    return new ColumnTable.Column<>(name, type, nullable, read, (b, v) -> {});
  }

  private static ColumnTable.Column<TeacherSummary, Void> stat(
      Metric m,
      String statistic,
      DataType type,
      Function<TeacherSummary.MetricStatistics, Object> value) {
    return col(column(m, statistic), type, true, t -> value.apply(t.of(m)));
  }

  public static Row toRow(TeacherSummary t) {
    return TABLE.toRow(t);
  }

  /** A teacher's row as a map of the table's column names, for JSON (report_data/teachers.json). */
  public static Map<String, Object> toMap(TeacherSummary t) {
    Object[] values = TABLE.values(t);
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      out.put(
          SCHEMA.fields()[i].name(),
          v instanceof scala.collection.Map<?, ?> ? SparkValues.javaMap(v) : v);
    }
    return out;
  }

  public static Dataset<Row> table(SparkSession spark, List<TeacherSummary> teachers) {
    List<Row> rows = new ArrayList<>();
    for (TeacherSummary t : teachers) {
      rows.add(toRow(t));
    }
    return spark.createDataFrame(rows, SCHEMA).coalesce(1);
  }
}
