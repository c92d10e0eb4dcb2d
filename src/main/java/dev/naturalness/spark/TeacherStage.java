package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.struct;
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
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
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
    List<StructField> fields =
        new ArrayList<>(
            List.of(
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

  public static Dataset<Row> aggregateTeachers(
      SparkSession spark, Dataset<Row> scores, Settings.Teachers settings) {
    int samples = settings.bootstrapSamples();
    long seed = settings.seed();
    // One pass groups each teacher's rows and computes its counts and both metrics' statistics;
    // every Spark job costs a fixed part of a second, whatever the corpus.
    Map<String, long[]> counts = new HashMap<>(); // n_responses, n_scored, n_errors
    Map<String, Map<String, TeacherStatistics.Summary>> stats = new HashMap<>();
    List<Tuple2<String, PerTeacher>> perTeacher =
        scores
            .select(Fields.TEACHER, Fields.STATUS, Fields.PROMPT_ID, METRICS[0], METRICS[1])
            .javaRDD()
            .mapToPair(
                r -> {
                  Double[] values = new Double[METRICS.length];
                  for (int m = 0; m < METRICS.length; m++) {
                    values[m] = r.isNullAt(3 + m) ? null : r.getDouble(3 + m);
                  }
                  return new Tuple2<>(
                      r.getString(0),
                      new Response(Status.OK.equals(r.getString(1)), r.getString(2), values));
                })
            .groupByKey()
            .map(kv -> new Tuple2<>(kv._1(), PerTeacher.of(kv._1(), kv._2(), samples, seed)))
            .collect();
    for (Tuple2<String, PerTeacher> t : perTeacher) {
      counts.put(
          t._1(),
          new long[] {t._2().responses(), t._2().scored(), t._2().responses() - t._2().scored()});
      stats.put(t._1(), t._2().byMetric());
    }
    Map<String, Map<String, Long>> wins = new HashMap<>();
    for (String metric : METRICS) {
      wins.put(metric, new HashMap<>());
    }
    for (Row r :
        picksPerPrompt(scores.filter(col(Fields.STATUS).equalTo(Status.OK)))
            .groupBy(LALP_PICK + "." + Fields.TEACHER, GALP_PICK + "." + Fields.TEACHER)
            .count()
            .collectAsList()) {
      for (int m = 0; m < METRICS.length; m++) {
        if (!r.isNullAt(m)) {
          wins.get(METRICS[m]).merge(r.getString(m), r.getLong(2), Long::sum);
        }
      }
    }
    return spark.createDataFrame(table(counts, stats, wins), SCHEMA).coalesce(1);
  }

  /**
   * Column of {@link #picksPerPrompt}: the prompt's best response by LALP (null when none has one).
   */
  public static final String LALP_PICK = "lalp_pick";

  /**
   * Column of {@link #picksPerPrompt}: the prompt's best response by GALP (null when none has one).
   */
  public static final String GALP_PICK = "galp_pick";

  /**
   * Per prompt, its best response by each metric: the highest value, ties to the smaller
   * response_id (the win-rate rule), among the given rows that have that metric. One row per
   * prompt: prompt_id, and per metric a struct (teacher, response_id, value) or null.
   */
  public static Dataset<Row> picksPerPrompt(Dataset<Row> scored) {
    // The smallest (-value, response_id) is the highest value, ties to the smaller response_id.
    Column[] picks = new Column[METRICS.length];
    for (int m = 0; m < METRICS.length; m++) {
      Column value = col(METRICS[m]);
      picks[m] =
          min(when(
                  value.isNotNull(),
                  struct(
                      negate(value).as("key"),
                      col(Fields.RESPONSE_ID).as(Fields.RESPONSE_ID),
                      col(Fields.TEACHER).as(Fields.TEACHER),
                      value.as("value"))))
              .as("_" + METRICS[m]);
    }
    Dataset<Row> best = scored.groupBy(col(Fields.PROMPT_ID)).agg(picks[0], picks[1]);
    return best.select(
        col(Fields.PROMPT_ID),
        pick(col("_" + Fields.LALP)).as(LALP_PICK),
        pick(col("_" + Fields.GALP)).as(GALP_PICK));
  }

  private static Column pick(Column best) {
    return when(
        best.isNotNull(),
        struct(
            best.getField(Fields.TEACHER).as(Fields.TEACHER),
            best.getField(Fields.RESPONSE_ID).as(Fields.RESPONSE_ID),
            best.getField("value").as("value")));
  }

  /**
   * One row as the teacher statistics need it: its values in METRICS' order, null where missing.
   */
  record Response(boolean ok, String promptId, Double[] values) implements java.io.Serializable {}

  /** One teacher's counts and, per metric with any value, its statistics. */
  record PerTeacher(long responses, long scored, Map<String, TeacherStatistics.Summary> byMetric)
      implements java.io.Serializable {
    static PerTeacher of(String teacher, Iterable<Response> rows, int samples, long seed) {
      long responses = 0;
      long scored = 0;
      List<List<TeacherStatistics.Scored>> byIndex = new ArrayList<>();
      for (int m = 0; m < METRICS.length; m++) {
        byIndex.add(new ArrayList<>());
      }
      for (Response r : rows) {
        responses++;
        if (!r.ok()) {
          continue;
        }
        scored++;
        for (int m = 0; m < METRICS.length; m++) {
          if (r.values()[m] != null) {
            byIndex.get(m).add(new TeacherStatistics.Scored(r.promptId(), r.values()[m]));
          }
        }
      }
      Map<String, TeacherStatistics.Summary> byMetric = new HashMap<>();
      for (int m = 0; m < METRICS.length; m++) {
        if (!byIndex.get(m).isEmpty()) {
          // Seeded per teacher, so that a teacher's interval does not depend on the other teachers.
          byMetric.put(
              METRICS[m],
              TeacherStatistics.summarize(
                  byIndex.get(m), samples, TeacherStatistics.seedFor(seed, teacher, METRICS[m])));
        }
      }
      return new PerTeacher(responses, scored, byMetric);
    }
  }

  private static List<Row> table(
      Map<String, long[]> counts,
      Map<String, Map<String, TeacherStatistics.Summary>> stats,
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
      ranked.sort(
          Comparator.comparingDouble((String t) -> -summary(stats, t, metric).mean())
              .thenComparing(t -> t));
      Map<String, Integer> r = new HashMap<>();
      for (int i = 0; i < ranked.size(); i++) {
        r.put(ranked.get(i), i + 1);
      }
      ranks.put(metric, r);
    }
    teachers.sort(
        Comparator.comparing(
                (String t) -> ranks.get(Fields.LALP).getOrDefault(t, Integer.MAX_VALUE))
            .thenComparing(t -> ranks.get(Fields.GALP).getOrDefault(t, Integer.MAX_VALUE))
            .thenComparing(t -> t));
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

  private static TeacherStatistics.Summary summary(
      Map<String, Map<String, TeacherStatistics.Summary>> stats, String t, String m) {
    Map<String, TeacherStatistics.Summary> byMetric = stats.get(t);
    return byMetric == null ? null : byMetric.get(m);
  }

  private static Double nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
