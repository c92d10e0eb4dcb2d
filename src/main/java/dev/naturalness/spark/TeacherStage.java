package dev.naturalness.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Metric;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.output.Outputs;
import dev.naturalness.stats.TeacherFigures;
import dev.naturalness.stats.TeacherResponse;
import dev.naturalness.stats.TeacherStatistics;
import dev.naturalness.stats.TeacherTable;
import dev.naturalness.stats.TopProbability;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The teacher table, per student, computed with Spark from the scores and assembled by {@link
 * TeacherTable}: per teacher its {@link TeacherFigures} (one group of its responses at a time), the
 * prompts its responses won, its mean over the prompts every teacher answered (balanced), and its
 * chance of ranking first ({@link TopProbability}: each teacher's resample means meet per partition
 * in one leader per resample, so memory never holds teachers times resamples).
 */
public final class TeacherStage {
  private static final Logger LOG = LoggerFactory.getLogger(TeacherStage.class);
  static final Metric[] METRICS = Metric.values();

  /** More teachers than this share of a student's rows, and more than a handful, is suspicious. */
  static final double TEACHERS_PER_ROW_WARNING = 0.5;

  static final int FEW_TEACHERS = 20;

  private TeacherStage() {}

  /** A teacher of a student. */
  record Key(String student, String teacher) implements Serializable {}

  /** The teachers table: aggregated, with teacher and student families, written to teachers/. */
  static List<TeacherSummary> write(
      SparkSession spark,
      Dataset<Row> canonical,
      Dataset<Row> scores,
      Settings.Job settings,
      Map<String, String> studentFamilies,
      Outputs outputs)
      throws IOException {
    List<TeacherSummary> teachers =
        withFamilies(
            aggregateTeachers(scores, settings.teachers(), settings.scoring().reportedWindows()),
            teacherFamilies(canonical),
            studentFamilies);
    Tables.write(TeacherRows.table(spark, teachers), outputs, "teachers");
    return teachers;
  }

  /** One partition's teachers, and per student and metric the leaders of its resamples. */
  record PartitionResult(
      List<Tuple2<Key, TeacherFigures>> teachers, Map<String, TopProbability.Leaders[]> leaders)
      implements Serializable {}

  public static List<TeacherSummary> aggregateTeachers(
      Dataset<Row> scores, Settings.Teachers settings, List<String> windows) {
    List<PartitionResult> parts = perTeacher(scores, settings.bootstrapSamples(), settings.seed());
    Map<String, Map<String, TeacherFigures>> figures = new TreeMap<>();
    Map<String, TopProbability.Leaders[]> leaders = new HashMap<>();
    for (PartitionResult p : parts) {
      p.teachers()
          .forEach(
              t ->
                  figures
                      .computeIfAbsent(t._1().student(), s -> new HashMap<>())
                      .put(t._1().teacher(), t._2()));
      p.leaders().forEach((student, l) -> leaders.merge(student, l, TeacherStage::merge));
    }
    Map<String, Map<String, long[]>> wins = winsPerTeacher(scores);
    Map<String, Map<Metric, Map<String, Double>>> balanced = balancedMeans(scores, figures);
    List<TeacherSummary> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, TeacherFigures>> student : figures.entrySet()) {
      warnWhenTeachersLookLikeRows(student.getKey(), student.getValue());
      List<String> names = student.getValue().keySet().stream().sorted().toList();
      Map<Metric, Map<String, Double>> shares = new EnumMap<>(Metric.class);
      TopProbability.Leaders[] l = leaders.get(student.getKey());
      for (Metric m : METRICS) {
        shares.put(m, l == null ? null : l[m.ordinal()].shares(names));
      }
      out.addAll(
          TeacherTable.of(
              student.getKey(),
              student.getValue(),
              new TeacherTable.Joint(
                  wins.getOrDefault(student.getKey(), Map.of()),
                  balanced.getOrDefault(student.getKey(), emptyByMetric()),
                  shares),
              windows));
    }
    return out;
  }

  /** Each teacher's family, as the corpus gives it (the most frequent one, ties by name). */
  static Map<String, String> teacherFamilies(Dataset<Row> canonical) {
    Map<String, String> out = new HashMap<>();
    Map<String, Long> seen = new HashMap<>();
    for (Row r :
        canonical
            .filter(col(Fields.TEACHER_FAMILY).isNotNull().and(col(Fields.TEACHER).isNotNull()))
            .groupBy(col(Fields.TEACHER), col(Fields.TEACHER_FAMILY))
            .count()
            .orderBy(col(Fields.TEACHER), col(Fields.TEACHER_FAMILY))
            .collectAsList()) {
      String teacher = r.getAs(Fields.TEACHER);
      long n = r.getAs("count");
      if (n > seen.getOrDefault(teacher, 0L)) {
        seen.put(teacher, n);
        out.put(teacher, r.getAs(Fields.TEACHER_FAMILY));
      }
    }
    return out;
  }

  /**
   * The table with each teacher's family and whether it is its student's: likelihood scores favour
   * a student's own family, so the report warns when the top teacher shares it.
   */
  static List<TeacherSummary> withFamilies(
      List<TeacherSummary> teachers, Map<String, String> families, Map<String, String> students) {
    List<TeacherSummary> out = new ArrayList<>();
    for (TeacherSummary t : teachers) {
      out.add(t.withFamily(families.get(t.teacher()), students.get(t.student())));
    }
    return out;
  }

  /** Each partition's teachers' figures and resample leaders: one group of responses at a time. */
  private static List<PartitionResult> perTeacher(Dataset<Row> scores, int samples, long seed) {
    return scores
        .select(readColumns())
        .filter(col(Fields.TEACHER).isNotNull())
        .javaRDD()
        .map(ScoreRows::fromRow)
        .mapToPair(s -> new Tuple2<>(new Key(s.student(), s.teacher()), TeacherResponse.of(s)))
        .groupByKey()
        .mapPartitions(groups -> List.of(partition(groups, samples, seed)).iterator())
        .collect();
  }

  /** The columns of the scores the statistics read (a projection: the rest keep defaults). */
  private static Column[] readColumns() {
    List<Column> out = new ArrayList<>();
    for (String c :
        List.of(
            Fields.STUDENT,
            Fields.TEACHER,
            Fields.STATUS,
            Fields.PROMPT_ID,
            Fields.LALP_BY_WINDOW,
            Fields.RESPONSE_CHARS,
            Fields.N_STEPS,
            Fields.REPEATED_STEPS,
            Fields.STEPS_SCORED,
            Fields.LALP_NO_REPEATS,
            Fields.LALP_DROP_FIRST)) {
      out.add(col(c));
    }
    for (Metric m : METRICS) {
      out.add(col(m.key()));
    }
    return out.toArray(new Column[0]);
  }

  /** Each teacher of the partition: its figures, and its resample means offered to the leaders. */
  private static PartitionResult partition(
      Iterator<Tuple2<Key, Iterable<TeacherResponse>>> groups, int samples, long seed) {
    List<Tuple2<Key, TeacherFigures>> teachers = new ArrayList<>();
    Map<String, TopProbability.Leaders[]> leaders = new HashMap<>();
    while (groups.hasNext()) {
      Tuple2<Key, Iterable<TeacherResponse>> g = groups.next();
      teachers.add(
          new Tuple2<>(g._1(), TeacherFigures.of(g._1().teacher(), g._2(), samples, seed)));
      if (samples == 0) {
        continue;
      }
      TopProbability.Leaders[] l =
          leaders.computeIfAbsent(g._1().student(), s -> newLeaders(samples));
      Map<Metric, List<TopProbability.PromptSum>> sums = TeacherFigures.promptSums(g._2());
      for (Metric m : METRICS) {
        if (!sums.get(m).isEmpty()) {
          l[m.ordinal()].offer(
              g._1().teacher(),
              TopProbability.resampleMeans(
                  sums.get(m), samples, TeacherStatistics.seedFor(seed, "", m.key())));
        }
      }
    }
    return new PartitionResult(teachers, leaders);
  }

  private static TopProbability.Leaders[] newLeaders(int samples) {
    TopProbability.Leaders[] l = new TopProbability.Leaders[METRICS.length];
    for (int m = 0; m < l.length; m++) {
      l[m] = new TopProbability.Leaders(samples);
    }
    return l;
  }

  private static TopProbability.Leaders[] merge(
      TopProbability.Leaders[] a, TopProbability.Leaders[] b) {
    for (int m = 0; m < a.length; m++) {
      a[m].merge(b[m]);
    }
    return a;
  }

  private static Map<Metric, Map<String, Double>> emptyByMetric() {
    Map<Metric, Map<String, Double>> out = new EnumMap<>(Metric.class);
    for (Metric m : METRICS) {
      out.put(m, Map.of());
    }
    return out;
  }

  /**
   * A teacher column that holds something else (a model id per row, a response hash) makes almost
   * every row a teacher of its own: say so, since the leaderboard then means nothing.
   */
  private static void warnWhenTeachersLookLikeRows(
      String student, Map<String, TeacherFigures> teachers) {
    long rows = teachers.values().stream().mapToLong(TeacherFigures::responses).sum();
    if (looksLikeOneTeacherPerRow(teachers.size(), rows)) {
      LOG.warn(
          "student {}: {} teachers in {} rows; is input.columns.teacher the column that names the"
              + " teacher? (a column with a value per row makes each response a teacher of its own)",
          student,
          teachers.size(),
          rows);
    }
  }

  /** More than a handful of teachers, and more than half as many as rows. */
  static boolean looksLikeOneTeacherPerRow(long teachers, long rows) {
    return teachers > FEW_TEACHERS && teachers > TEACHERS_PER_ROW_WARNING * rows;
  }

  /** Per student and teacher, the prompts its response won, per metric. */
  private static Map<String, Map<String, long[]>> winsPerTeacher(Dataset<Row> scores) {
    Map<String, Map<String, long[]>> wins = new HashMap<>();
    List<Column> keys = new ArrayList<>(List.of(col(Fields.STUDENT)));
    for (Metric m : METRICS) {
      keys.add(col(pickColumn(m) + "." + Fields.TEACHER).as(pickColumn(m)));
    }
    for (Row r :
        picksPerPrompt(scores.filter(col(Fields.STATUS).equalTo(RowStatus.OK.code())))
            .groupBy(keys.toArray(new Column[0]))
            .count()
            .collectAsList()) {
      for (Metric m : METRICS) {
        String teacher = r.getAs(pickColumn(m));
        if (teacher != null) {
          wins.computeIfAbsent(r.getAs(Fields.STUDENT), s -> new HashMap<>())
                  .computeIfAbsent(teacher, t -> new long[METRICS.length])[m.ordinal()] +=
              r.<Long>getAs("count");
        }
      }
    }
    return wins;
  }

  /** The column of {@link #picksPerPrompt} that holds a metric's pick: lalp_pick, galp_pick. */
  public static String pickColumn(Metric metric) {
    return metric.key() + "_pick";
  }

  /** Column of {@link #picksPerPrompt}: the prompt's best response by LALP (null when none). */
  public static final String LALP_PICK = pickColumn(Metric.LALP);

  /** Column of {@link #picksPerPrompt}: the prompt's best response by GALP (null when none). */
  public static final String GALP_PICK = pickColumn(Metric.GALP);

  /**
   * Per student and prompt, its best response by each metric: the highest value, ties to the
   * smaller response_id (the win-rate rule), among the given rows that have that metric. One row
   * per (student, prompt): student, prompt_id, and per metric a struct (teacher, response_id,
   * value) or null.
   */
  public static Dataset<Row> picksPerPrompt(Dataset<Row> scored) {
    // The smallest (-value, response_id) is the highest value, ties to the smaller response_id.
    List<Column> best = new ArrayList<>();
    List<Column> out = new ArrayList<>(List.of(col(Fields.STUDENT), col(Fields.PROMPT_ID)));
    for (Metric m : METRICS) {
      Column value = col(m.key());
      best.add(
          min(when(
                  value.isNotNull(),
                  struct(
                      negate(value).as("key"),
                      col(Fields.RESPONSE_ID).as(Fields.RESPONSE_ID),
                      col(Fields.TEACHER).as(Fields.TEACHER),
                      value.as("value"))))
              .as("_" + m.key()));
      out.add(pick(col("_" + m.key())).as(pickColumn(m)));
    }
    return scored
        .groupBy(col(Fields.STUDENT), col(Fields.PROMPT_ID))
        .agg(best.get(0), best.subList(1, best.size()).toArray(new Column[0]))
        .select(out.toArray(new Column[0]));
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
   * Per student, metric and teacher, the mean over the prompts on which every one of the student's
   * teachers has a score on that metric (each response counted once).
   */
  private static Map<String, Map<Metric, Map<String, Double>>> balancedMeans(
      Dataset<Row> scores, Map<String, Map<String, TeacherFigures>> figures) {
    List<Row> teacherCounts = new ArrayList<>();
    figures.forEach((student, t) -> teacherCounts.add(RowFactory.create(student, t.size())));
    Dataset<Row> all =
        scores
            .sparkSession()
            .createDataFrame(
                teacherCounts,
                new StructType()
                    .add("_student", DataTypes.StringType)
                    .add("_teachers", DataTypes.IntegerType));
    Dataset<Row> ok =
        scores.filter(
            col(Fields.STATUS).equalTo(RowStatus.OK.code()).and(col(Fields.TEACHER).isNotNull()));
    Map<String, Map<Metric, Map<String, Double>>> out = new HashMap<>();
    for (Metric m : METRICS) {
      Dataset<Row> scored = ok.filter(col(m.key()).isNotNull());
      Dataset<Row> complete =
          scored
              .groupBy(col(Fields.STUDENT), col(Fields.PROMPT_ID))
              .agg(countDistinct(col(Fields.TEACHER)).as("_answered"))
              .join(all, col(Fields.STUDENT).equalTo(col("_student")))
              .filter(col("_answered").equalTo(col("_teachers")))
              .select(col(Fields.STUDENT).as("_s"), col(Fields.PROMPT_ID).as("_p"));
      for (Row r :
          scored
              .join(
                  complete,
                  col(Fields.STUDENT)
                      .equalTo(col("_s"))
                      .and(col(Fields.PROMPT_ID).equalTo(col("_p"))))
              .groupBy(col(Fields.STUDENT), col(Fields.TEACHER))
              .agg(avg(col(m.key())).as("_mean"))
              .collectAsList()) {
        out.computeIfAbsent(r.getAs(Fields.STUDENT), s -> emptyMutableByMetric())
            .get(m)
            .put(r.getAs(Fields.TEACHER), r.<Double>getAs("_mean"));
      }
    }
    return out;
  }

  private static Map<Metric, Map<String, Double>> emptyMutableByMetric() {
    Map<Metric, Map<String, Double>> out = new EnumMap<>(Metric.class);
    for (Metric m : METRICS) {
      out.put(m, new HashMap<>());
    }
    return out;
  }
}
