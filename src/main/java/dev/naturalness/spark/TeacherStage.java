package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import dev.naturalness.config.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The teacher table: per teacher and per metric (LALP, GALP), the mean over its scored responses
 * (the ranking), the median, a bootstrap 95% interval over prompts, and the win rate: the share of
 * the prompts it answered where its response scores highest among all scored responses to that
 * prompt (ties to the smaller response_id).
 */
public final class TeacherStage {
  public static final String[] METRICS = {Fields.LALP, Fields.GALP};

  public static final StructType SCHEMA;

  static {
    List<StructField> fields = new ArrayList<>(List.of(
        createStructField(Fields.TEACHER, StringType, false),
        createStructField("n_responses", LongType, false),
        createStructField("n_scored", LongType, false),
        createStructField("n_errors", LongType, false)));
    for (String m : METRICS) {
      fields.add(createStructField(m + "_rank", IntegerType, true));
      fields.add(createStructField(m + "_mean", DoubleType, true));
      fields.add(createStructField(m + "_median", DoubleType, true));
      fields.add(createStructField(m + "_ci_low", DoubleType, true));
      fields.add(createStructField(m + "_ci_high", DoubleType, true));
      fields.add(createStructField(m + "_win_rate", DoubleType, true));
      fields.add(createStructField(m + "_prompts", LongType, false));
    }
    SCHEMA = createStructType(fields);
  }

  private TeacherStage() {}

  public static Dataset<Row> aggregateTeachers(SparkSession spark, Dataset<Row> scores, Settings.Teachers settings) {
    Map<String, long[]> counts = new HashMap<>(); // n_responses, n_scored, n_errors
    for (Row r : scores.groupBy(col(Fields.TEACHER)).agg(count("*").as("n"),
        sum(when(col(Fields.STATUS).equalTo(Status.OK), 1).otherwise(0)).as("ok")).collectAsList()) {
      long n = r.getLong(1);
      long ok = r.getLong(2);
      counts.put(r.getString(0), new long[] {n, ok, n - ok});
    }
    Dataset<Row> ok = scores.filter(col(Fields.STATUS).equalTo(Status.OK));
    Map<String, Map<String, TeacherStatistics.Summary>> stats = new HashMap<>();
    Map<String, Map<String, Long>> wins = new HashMap<>();
    for (String metric : METRICS) {
      Dataset<Row> scored = ok.filter(col(metric).isNotNull()).select(Fields.TEACHER, Fields.PROMPT_ID, metric, Fields.RESPONSE_ID);
      int samples = settings.bootstrapSamples();
      long seed = settings.seed();
      // Seeded per teacher, so that a teacher's interval does not depend on the other teachers.
      List<Tuple2<String, TeacherStatistics.Summary>> perTeacher = scored.javaRDD()
          .mapToPair(r -> new Tuple2<>(r.getString(0), new TeacherStatistics.Scored(r.getString(1), r.getDouble(2))))
          .groupByKey()
          .map(kv -> {
            List<TeacherStatistics.Scored> list = new ArrayList<>();
            kv._2().forEach(list::add);
            return new Tuple2<>(kv._1(), TeacherStatistics.summarize(list, samples,
                TeacherStatistics.seedFor(seed, kv._1(), metric)));
          })
          .collect();
      for (Tuple2<String, TeacherStatistics.Summary> t : perTeacher) {
        stats.computeIfAbsent(t._1(), k -> new HashMap<>()).put(metric, t._2());
      }
      Dataset<Row> winners = bestPerPrompt(scored, metric);
      Map<String, Long> byTeacher = new HashMap<>();
      for (Row r : winners.groupBy(Fields.TEACHER).count().collectAsList()) {
        byTeacher.put(r.getString(0), r.getLong(1));
      }
      wins.put(metric, byTeacher);
    }
    return spark.createDataFrame(table(counts, stats, wins), SCHEMA).coalesce(1);
  }

  /** Each prompt's top response by {@code metric}, ties to the smaller response_id: the win-rate rule. */
  public static Dataset<Row> bestPerPrompt(Dataset<Row> scored, String metric) {
    return scored.withColumn("_rank", row_number().over(Window.partitionBy(Fields.PROMPT_ID)
            .orderBy(col(metric).desc(), col(Fields.RESPONSE_ID).asc())))
        .filter(col("_rank").equalTo(1))
        .drop("_rank");
  }

  private static List<Row> table(Map<String, long[]> counts, Map<String, Map<String, TeacherStatistics.Summary>> stats,
      Map<String, Map<String, Long>> wins) {
    List<String> teachers = new ArrayList<>(counts.keySet());
    teachers.removeIf(t -> t == null);
    Map<String, Map<String, Integer>> ranks = new HashMap<>();
    for (String metric : METRICS) {
      List<String> ranked = new ArrayList<>();
      for (String t : teachers) {
        if (summary(stats, t, metric) != null) {
          ranked.add(t);
        }
      }
      ranked.sort(Comparator.comparingDouble((String t) -> -summary(stats, t, metric).mean()).thenComparing(t -> t));
      Map<String, Integer> r = new HashMap<>();
      for (int i = 0; i < ranked.size(); i++) {
        r.put(ranked.get(i), i + 1);
      }
      ranks.put(metric, r);
    }
    teachers.sort(Comparator.comparing((String t) -> ranks.get(Fields.LALP).getOrDefault(t, Integer.MAX_VALUE))
        .thenComparing(t -> ranks.get(Fields.GALP).getOrDefault(t, Integer.MAX_VALUE)).thenComparing(t -> t));
    List<Row> rows = new ArrayList<>();
    for (String t : teachers) {
      long[] c = counts.get(t);
      List<Object> values = new ArrayList<>(List.of(t, c[0], c[1], c[2]));
      for (String metric : METRICS) {
        TeacherStatistics.Summary s = summary(stats, t, metric);
        values.add(ranks.get(metric).get(t));
        values.add(s == null ? null : nullIfNaN(s.mean()));
        values.add(s == null ? null : nullIfNaN(s.median()));
        values.add(s == null ? null : nullIfNaN(s.ciLow()));
        values.add(s == null ? null : nullIfNaN(s.ciHigh()));
        long prompts = s == null ? 0 : s.prompts();
        values.add(prompts == 0 ? null : (double) wins.get(metric).getOrDefault(t, 0L) / prompts);
        values.add(prompts);
      }
      rows.add(RowFactory.create(values.toArray()));
    }
    return rows;
  }

  private static TeacherStatistics.Summary summary(Map<String, Map<String, TeacherStatistics.Summary>> stats, String t, String m) {
    Map<String, TeacherStatistics.Summary> byMetric = stats.get(t);
    return byMetric == null ? null : byMetric.get(m);
  }

  private static Double nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
