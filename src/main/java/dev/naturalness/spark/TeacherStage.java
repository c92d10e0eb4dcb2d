package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.config.Settings;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.scoring.Metric;
import dev.naturalness.stats.Correlation;
import dev.naturalness.stats.TeacherStatistics;
import dev.naturalness.stats.TopProbability;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;
import scala.collection.JavaConverters;

/**
 * The teacher table, per student: per teacher and metric the mean over its scored responses (the
 * ranking), the median, a bootstrap 95% interval over prompts, the win rate (the share of the
 * prompts it answered where its response scores highest, ties to the smaller response_id), the mean
 * over the prompts every teacher answered (balanced), and its chance of ranking first over joint
 * bootstrap resamples of prompts; each window's mean LALP; and what the scores may be rewarding
 * (lengths and their correlations with the scores, repetition).
 */
public final class TeacherStage {
  static final Metric[] METRICS = Metric.values();

  private TeacherStage() {}

  public static List<TeacherSummary> aggregateTeachers(
      Dataset<Row> scores, Settings.Teachers settings, List<String> windows) {
    int samples = settings.bootstrapSamples();
    long seed = settings.seed();
    Map<String, Map<String, PerTeacher>> perTeacher = new LinkedHashMap<>();
    for (Tuple2<Tuple2<String, String>, PerTeacher> t :
        scores
            .select(
                Fields.STUDENT,
                Fields.TEACHER,
                Fields.STATUS,
                Fields.PROMPT_ID,
                Fields.LALP,
                Fields.GALP,
                Fields.LALP_BY_WINDOW,
                Fields.RESPONSE_CHARS,
                Fields.N_STEPS,
                Fields.REPEATED_STEPS,
                Fields.STEPS_SCORED,
                Fields.LALP_NO_REPEATS,
                Fields.LALP_DROP_FIRST)
            .javaRDD()
            .mapToPair(
                r -> new Tuple2<>(new Tuple2<>(r.getString(0), r.getString(1)), Response.of(r)))
            .groupByKey()
            .map(kv -> new Tuple2<>(kv._1(), PerTeacher.of(kv._1()._2(), kv._2(), samples, seed)))
            .collect()) {
      if (t._1()._2() != null) {
        perTeacher.computeIfAbsent(t._1()._1(), s -> new HashMap<>()).put(t._1()._2(), t._2());
      }
    }
    Map<String, Map<String, long[]>> wins = winsPerTeacher(scores);
    Map<String, Joint> joint = joint(scores, perTeacher, samples, seed);
    List<TeacherSummary> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, PerTeacher>> student : perTeacher.entrySet()) {
      out.addAll(
          summaries(
              student.getKey(),
              student.getValue(),
              wins.getOrDefault(student.getKey(), Map.of()),
              joint.get(student.getKey()),
              windows));
    }
    return out;
  }

  /** Per student and teacher, the prompts its response won, per metric. */
  private static Map<String, Map<String, long[]>> winsPerTeacher(Dataset<Row> scores) {
    Map<String, Map<String, long[]>> wins = new HashMap<>();
    for (Row r :
        picksPerPrompt(scores.filter(col(Fields.STATUS).equalTo(RowStatus.OK.code())))
            .groupBy(
                col(Fields.STUDENT),
                col(LALP_PICK + "." + Fields.TEACHER),
                col(GALP_PICK + "." + Fields.TEACHER))
            .count()
            .collectAsList()) {
      for (int m = 0; m < METRICS.length; m++) {
        if (!r.isNullAt(1 + m)) {
          wins.computeIfAbsent(r.getString(0), s -> new HashMap<>())
                  .computeIfAbsent(r.getString(1 + m), t -> new long[METRICS.length])[m] +=
              r.getLong(3);
        }
      }
    }
    return wins;
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
   * Per student and prompt, its best response by each metric: the highest value, ties to the
   * smaller response_id (the win-rate rule), among the given rows that have that metric. One row
   * per (student, prompt): student, prompt_id, and per metric a struct (teacher, response_id,
   * value) or null.
   */
  public static Dataset<Row> picksPerPrompt(Dataset<Row> scored) {
    // The smallest (-value, response_id) is the highest value, ties to the smaller response_id.
    Column[] picks = new Column[METRICS.length];
    for (int m = 0; m < METRICS.length; m++) {
      Column value = col(METRICS[m].key());
      picks[m] =
          min(when(
                  value.isNotNull(),
                  struct(
                      negate(value).as("key"),
                      col(Fields.RESPONSE_ID).as(Fields.RESPONSE_ID),
                      col(Fields.TEACHER).as(Fields.TEACHER),
                      value.as("value"))))
              .as("_" + METRICS[m].key());
    }
    Dataset<Row> best =
        scored.groupBy(col(Fields.STUDENT), col(Fields.PROMPT_ID)).agg(picks[0], picks[1]);
    return best.select(
        col(Fields.STUDENT),
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
   * Per student, what needs all teachers at once: per metric, the sums over the prompts every
   * teacher has a score on (the balanced leaderboard), and the joint bootstrap of prompts.
   */
  private static Map<String, Joint> joint(
      Dataset<Row> scores,
      Map<String, Map<String, PerTeacher>> perTeacher,
      int samples,
      long seed) {
    Map<String, List<String>> names = new HashMap<>();
    perTeacher.forEach(
        (student, teachers) -> names.put(student, teachers.keySet().stream().sorted().toList()));
    List<Column> aggregates = new ArrayList<>();
    for (Metric m : METRICS) {
      aggregates.add(sum(col(m.key())).as(m.key() + "_sum"));
      aggregates.add(count(col(m.key())).as(m.key() + "_count"));
    }
    Dataset<Row> perPrompt =
        scores
            .filter(
                col(Fields.STATUS)
                    .equalTo(RowStatus.OK.code())
                    .and(col(Fields.TEACHER).isNotNull()))
            .groupBy(col(Fields.STUDENT), col(Fields.PROMPT_ID), col(Fields.TEACHER))
            .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(new Column[0]))
            .groupBy(col(Fields.STUDENT), col(Fields.PROMPT_ID))
            .agg(
                collect_list(
                        struct(
                            col(Fields.TEACHER),
                            col("lalp_sum"),
                            col("lalp_count"),
                            col("galp_sum"),
                            col("galp_count")))
                    .as("_teachers"));
    Map<String, Joint> out = new HashMap<>();
    for (Tuple2<String, Joint> t :
        perPrompt
            .javaRDD()
            .mapPartitionsToPair(
                rows -> {
                  // One accumulator per student and partition: each holds samples x teachers sums.
                  Map<String, Joint> partial = new HashMap<>();
                  rows.forEachRemaining(
                      r ->
                          partial
                              .computeIfAbsent(
                                  r.getString(0), s -> new Joint(names.get(s), samples, seed))
                              .add(r.getString(1), r.getList(2)));
                  List<Tuple2<String, Joint>> list = new ArrayList<>();
                  partial.forEach((k, v) -> list.add(new Tuple2<>(k, v)));
                  return list.iterator();
                })
            .reduceByKey(Joint::merge)
            .collect()) {
      out.put(t._1(), t._2());
    }
    return out;
  }

  /**
   * One student's prompts, added up per metric for the balanced means and the bootstrap of ranks.
   */
  static final class Joint implements Serializable {
    private static final long serialVersionUID = 1L;
    final List<String> teachers;
    final double[][] balancedSum;
    final long[][] balancedCount;
    final TopProbability[] top;

    Joint(List<String> teachers, int samples, long seed) {
      this.teachers = teachers;
      balancedSum = new double[METRICS.length][teachers.size()];
      balancedCount = new long[METRICS.length][teachers.size()];
      top = new TopProbability[METRICS.length];
      for (int m = 0; m < METRICS.length; m++) {
        top[m] =
            new TopProbability(
                samples, teachers.size(), TeacherStatistics.seedFor(seed, "", METRICS[m].key()));
      }
    }

    void add(String promptId, List<Row> byTeacher) {
      for (int m = 0; m < METRICS.length; m++) {
        double[] sums = new double[teachers.size()];
        int[] counts = new int[teachers.size()];
        int present = 0;
        for (Row t : byTeacher) {
          int i = teachers.indexOf(t.getString(0));
          long n = t.getLong(2 + 2 * m);
          if (i >= 0 && n > 0) {
            sums[i] = t.getDouble(1 + 2 * m);
            counts[i] = (int) n;
            present++;
          }
        }
        if (present == teachers.size()) {
          for (int i = 0; i < sums.length; i++) {
            balancedSum[m][i] += sums[i];
            balancedCount[m][i] += counts[i];
          }
        }
        top[m].addPrompt(promptId, sums, counts);
      }
    }

    Joint merge(Joint other) {
      for (int m = 0; m < METRICS.length; m++) {
        for (int i = 0; i < teachers.size(); i++) {
          balancedSum[m][i] += other.balancedSum[m][i];
          balancedCount[m][i] += other.balancedCount[m][i];
        }
        top[m].merge(other.top[m]);
      }
      return this;
    }
  }

  /** One response as the statistics need it. */
  record Response(
      boolean ok,
      String promptId,
      Double[] values,
      Map<String, Double> byWindow,
      int chars,
      int steps,
      int repeated,
      int stepsScored,
      Double noRepeats,
      Double dropFirst)
      implements Serializable {
    static Response of(Row r) {
      Double[] values = {
        r.isNullAt(4) ? null : r.getDouble(4), r.isNullAt(5) ? null : r.getDouble(5)
      };
      scala.collection.Map<String, Double> windows = r.isNullAt(6) ? null : r.getMap(6);
      return new Response(
          RowStatus.OK.code().equals(r.getString(2)),
          r.getString(3),
          values,
          windows == null ? Map.of() : new HashMap<>(JavaConverters.mapAsJavaMap(windows)),
          r.getInt(7),
          r.getInt(8),
          r.getInt(9),
          r.getInt(10),
          r.isNullAt(11) ? null : r.getDouble(11),
          r.isNullAt(12) ? null : r.getDouble(12));
    }
  }

  /** One teacher's counts, per-metric statistics, window means and traits, from its responses. */
  record PerTeacher(
      long responses,
      long scored,
      Map<Metric, TeacherStatistics.Summary> byMetric,
      Map<String, Double> windowMeans,
      TeacherSummary.Traits traits)
      implements Serializable {
    static PerTeacher of(String teacher, Iterable<Response> rows, int samples, long seed) {
      Sums sums = new Sums();
      rows.forEach(sums::add);
      Map<Metric, TeacherStatistics.Summary> byMetric = new HashMap<>();
      for (int m = 0; m < METRICS.length; m++) {
        if (!sums.byIndex.get(m).isEmpty()) {
          // Seeded per teacher, so that a teacher's interval does not depend on the other teachers.
          byMetric.put(
              METRICS[m],
              TeacherStatistics.summarize(
                  sums.byIndex.get(m),
                  samples,
                  TeacherStatistics.seedFor(seed, teacher, METRICS[m].key())));
        }
      }
      Map<String, Double> windowMeans = new LinkedHashMap<>();
      sums.windows.forEach((w, acc) -> windowMeans.put(w, acc[0] / acc[1]));
      return new PerTeacher(sums.responses, sums.scored, byMetric, windowMeans, sums.traits());
    }

    /** A teacher's responses added up. */
    private static final class Sums {
      long responses;
      long scored;
      final List<List<TeacherStatistics.Scored>> byIndex =
          List.of(new ArrayList<>(), new ArrayList<>());
      final Map<String, double[]> windows = new LinkedHashMap<>();
      final Correlation[] length = {new Correlation(), new Correlation()};
      final Correlation[] stepLength = {new Correlation(), new Correlation()};
      double chars;
      double stepChars;
      long repeated;
      long stepsScored;
      final double[] noRepeats = new double[2];
      final double[] dropFirst = new double[2];

      void add(Response r) {
        responses++;
        if (!r.ok()) {
          return;
        }
        scored++;
        double meanStep = r.steps() > 0 ? (double) r.chars() / r.steps() : r.chars();
        chars += r.chars();
        stepChars += meanStep;
        for (int m = 0; m < METRICS.length; m++) {
          if (r.values()[m] != null) {
            byIndex.get(m).add(new TeacherStatistics.Scored(r.promptId(), r.values()[m]));
            length[m].add(r.chars(), r.values()[m]);
            stepLength[m].add(meanStep, r.values()[m]);
          }
        }
        r.byWindow()
            .forEach(
                (w, v) -> {
                  if (v != null) {
                    double[] acc = windows.computeIfAbsent(w, k -> new double[2]);
                    acc[0] += v;
                    acc[1]++;
                  }
                });
        repeated += r.repeated();
        stepsScored += r.stepsScored();
        PerTeacher.add(noRepeats, r.noRepeats());
        PerTeacher.add(dropFirst, r.dropFirst());
      }

      TeacherSummary.Traits traits() {
        return scored == 0
            ? TeacherSummary.Traits.NONE
            : new TeacherSummary.Traits(
                chars / scored,
                stepChars / scored,
                length[0].value(),
                stepLength[0].value(),
                length[1].value(),
                stepLength[1].value(),
                stepsScored > 0 ? (double) repeated / stepsScored : null,
                mean(noRepeats),
                mean(dropFirst));
      }
    }

    private static void add(double[] acc, Double v) {
      if (v != null) {
        acc[0] += v;
        acc[1]++;
      }
    }

    private static Double mean(double[] acc) {
      return acc[1] > 0 ? acc[0] / acc[1] : null;
    }
  }

  private static List<TeacherSummary> summaries(
      String student,
      Map<String, PerTeacher> teachers,
      Map<String, long[]> wins,
      Joint joint,
      List<String> windows) {
    List<String> names = new ArrayList<>(teachers.keySet());
    Map<Metric, Map<String, Integer>> ranks = new HashMap<>();
    Map<Metric, Map<String, Integer>> balancedRanks = new HashMap<>();
    Map<Metric, double[]> topShares = new HashMap<>();
    for (Metric metric : METRICS) {
      int m = metric.ordinal();
      ranks.put(metric, rank(values(names, t -> mean(teachers.get(t).byMetric().get(metric)))));
      balancedRanks.put(metric, rank(values(names, t -> balancedMean(joint, m, t))));
      topShares.put(metric, joint == null ? null : joint.top[m].shares(joint.teachers));
    }
    Map<String, Map<String, Integer>> windowRanks = new HashMap<>();
    for (String w : windows) {
      windowRanks.put(w, rank(values(names, t -> teachers.get(t).windowMeans().get(w))));
    }
    names.sort(
        Comparator.comparing(
                (String t) -> ranks.get(Metric.LALP).getOrDefault(t, Integer.MAX_VALUE))
            .thenComparing(t -> ranks.get(Metric.GALP).getOrDefault(t, Integer.MAX_VALUE))
            .thenComparing(t -> t));
    List<TeacherSummary> out = new ArrayList<>();
    for (String t : names) {
      PerTeacher p = teachers.get(t);
      MetricFigures figures =
          new MetricFigures(
              t,
              p,
              wins.getOrDefault(t, new long[METRICS.length]),
              joint,
              ranks,
              balancedRanks,
              topShares);
      Map<String, Integer> byWindowRank = new LinkedHashMap<>();
      Map<String, Double> byWindowMean = new LinkedHashMap<>();
      for (String w : windows) {
        byWindowMean.put(w, p.windowMeans().get(w));
        byWindowRank.put(w, windowRanks.get(w).get(t));
      }
      out.add(
          new TeacherSummary(
              student,
              t,
              p.responses(),
              p.scored(),
              p.responses() - p.scored(),
              figures.of(Metric.LALP),
              figures.of(Metric.GALP),
              windows.isEmpty() ? null : byWindowMean,
              windows.isEmpty() ? null : byWindowRank,
              p.traits()));
    }
    return out;
  }

  /** The teachers' values that are known (not null). */
  private static Map<String, Double> values(
      List<String> teachers, java.util.function.Function<String, Double> value) {
    Map<String, Double> out = new HashMap<>();
    for (String t : teachers) {
      Double v = value.apply(t);
      if (v != null) {
        out.put(t, v);
      }
    }
    return out;
  }

  private static Double mean(TeacherStatistics.Summary s) {
    return s == null || Double.isNaN(s.mean()) ? null : s.mean();
  }

  /** A teacher's figures for each metric. */
  private record MetricFigures(
      String teacher,
      PerTeacher p,
      long[] wins,
      Joint joint,
      Map<Metric, Map<String, Integer>> ranks,
      Map<Metric, Map<String, Integer>> balancedRanks,
      Map<Metric, double[]> topShares) {
    TeacherSummary.MetricStatistics of(Metric metric) {
      TeacherStatistics.Summary s = p.byMetric().get(metric);
      if (s == null) {
        return TeacherSummary.MetricStatistics.NONE;
      }
      int m = metric.ordinal();
      double[] shares = topShares.get(metric);
      Double top = shares == null ? null : shares[joint.teachers.indexOf(teacher)];
      return new TeacherSummary.MetricStatistics(
          ranks.get(metric).get(teacher),
          nullIfNaN(s.mean()),
          nullIfNaN(s.median()),
          nullIfNaN(s.ciLow()),
          nullIfNaN(s.ciHigh()),
          s.prompts() == 0 ? null : (double) wins[m] / s.prompts(),
          s.prompts(),
          balancedMean(joint, m, teacher),
          balancedRanks.get(metric).get(teacher),
          top);
    }
  }

  private static Double balancedMean(Joint joint, int metric, String teacher) {
    if (joint == null) {
      return null;
    }
    int i = joint.teachers.indexOf(teacher);
    return i < 0 || joint.balancedCount[metric][i] == 0
        ? null
        : joint.balancedSum[metric][i] / joint.balancedCount[metric][i];
  }

  /** 1 for the highest value, ties to the teacher name that sorts first. */
  static Map<String, Integer> rank(Map<String, Double> values) {
    List<String> ranked = new ArrayList<>(values.keySet());
    ranked.sort(Comparator.comparingDouble((String t) -> -values.get(t)).thenComparing(t -> t));
    Map<String, Integer> ranks = new HashMap<>();
    for (int i = 0; i < ranked.size(); i++) {
      ranks.put(ranked.get(i), i + 1);
    }
    return ranks;
  }

  private static Double nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
