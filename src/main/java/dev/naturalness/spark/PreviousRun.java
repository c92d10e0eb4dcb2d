package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.naturalness.data.TeacherSummary;
import dev.naturalness.report.RunSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What changed since the run the publish pointer named before this one (a nightly refresh's last
 * night): per student, prompts whose first selected response changed, appeared or went; first picks
 * gained or lost per teacher; and teachers whose LALP rank moved. A previous run written before
 * several students existed counts as the first student's.
 */
final class PreviousRun {
  private PreviousRun() {}

  static List<RunSummary.SincePrevious> compare(
      SparkSession spark,
      String previous,
      Dataset<Row> selected,
      List<TeacherSummary> teachers,
      String format,
      dev.naturalness.config.Settings.Columns columns) {
    String firstStudent = teachers.isEmpty() ? "" : teachers.get(0).student();
    Dataset<Row> before = read(spark, previous + "/selected", format);
    Dataset<Row> beforeTeachers = read(spark, previous + "/teachers", format);
    if (before == null || beforeTeachers == null) {
      return null;
    }
    before = firstPicks(before, firstStudent, columns);
    Dataset<Row> now =
        selected
            .filter(col(Fields.SELECTION_RANK).equalTo(1))
            .select(
                col(Fields.STUDENT),
                col(SelectStage.SORT_PROMPT).as(Fields.PROMPT_ID),
                col(Fields.RESPONSE_ID).as("now_id"),
                col("_teacher").as("now_teacher"));
    Map<String, long[]> prompts = new TreeMap<>(); // compared, changed, new, gone
    Map<String, Map<String, Long>> delta = new HashMap<>();
    for (Row r :
        now.join(
                before,
                scala.collection.JavaConverters.asScalaBuffer(
                        List.of(Fields.STUDENT, Fields.PROMPT_ID))
                    .toSeq(),
                "full_outer")
            .collectAsList()) {
      count(r, prompts, delta);
    }
    Map<String, Map<String, Integer>> ranksBefore = ranks(beforeTeachers, firstStudent);
    List<RunSummary.SincePrevious> out = new ArrayList<>();
    prompts.forEach(
        (student, p) -> {
          Map<String, Long> d = new TreeMap<>(delta.getOrDefault(student, Map.of()));
          d.values().removeIf(v -> v == 0);
          out.add(
              new RunSummary.SincePrevious(
                  student,
                  previous,
                  p[0],
                  p[1],
                  p[2],
                  p[3],
                  d,
                  moved(teachers, student, ranksBefore.getOrDefault(student, Map.of()))));
        });
    return out;
  }

  /** The previous run's first picks, in the columns it wrote them (the input's names). */
  private static Dataset<Row> firstPicks(
      Dataset<Row> before, String firstStudent, dev.naturalness.config.Settings.Columns columns) {
    return withStudent(before, firstStudent)
        .filter(col(Fields.SELECTION_RANK).equalTo(1))
        .select(
            col(Fields.STUDENT),
            col(CorpusReader.quoted(columns.promptId())).cast("string").as(Fields.PROMPT_ID),
            col(Fields.RESPONSE_ID).as("before_id"),
            col(CorpusReader.quoted(columns.teacher())).cast("string").as("before_teacher"));
  }

  /** One prompt of the joined picks: compared (and changed), new or gone; the teachers' deltas. */
  private static void count(
      Row r, Map<String, long[]> prompts, Map<String, Map<String, Long>> delta) {
    String student = r.getAs(Fields.STUDENT);
    long[] p = prompts.computeIfAbsent(student, s -> new long[4]);
    String nowId = r.getAs("now_id");
    String beforeId = r.getAs("before_id");
    if (nowId != null && beforeId != null) {
      p[0]++;
      p[1] += nowId.equals(beforeId) ? 0 : 1;
    } else {
      p[nowId != null ? 2 : 3]++;
    }
    Map<String, Long> d = delta.computeIfAbsent(student, s -> new TreeMap<>());
    if (nowId != null) {
      d.merge(r.getAs("now_teacher"), 1L, Long::sum);
    }
    if (beforeId != null) {
      d.merge(r.getAs("before_teacher"), -1L, Long::sum);
    }
  }

  /** Per student and teacher, the previous run's LALP rank. */
  private static Map<String, Map<String, Integer>> ranks(
      Dataset<Row> beforeTeachers, String firstStudent) {
    Map<String, Map<String, Integer>> ranks = new HashMap<>();
    for (Row r :
        withStudent(beforeTeachers, firstStudent)
            .select(Fields.STUDENT, Fields.TEACHER, "lalp_rank")
            .collectAsList()) {
      ranks
          .computeIfAbsent(r.getString(0), s -> new HashMap<>())
          .put(r.getString(1), r.isNullAt(2) ? null : r.getInt(2));
    }
    return ranks;
  }

  /** The student's teachers whose LALP rank moved: {before, now}. */
  private static Map<String, List<Integer>> moved(
      List<TeacherSummary> teachers, String student, Map<String, Integer> before) {
    Map<String, List<Integer>> moved = new LinkedHashMap<>();
    for (TeacherSummary t : teachers) {
      Integer was = before.get(t.teacher());
      if (t.student().equals(student) && !java.util.Objects.equals(was, t.lalp().rank())) {
        moved.put(t.teacher(), java.util.Arrays.asList(was, t.lalp().rank()));
      }
    }
    return moved;
  }

  private static Dataset<Row> withStudent(Dataset<Row> d, String firstStudent) {
    return java.util.Arrays.asList(d.columns()).contains(Fields.STUDENT)
        ? d
        : d.withColumn(Fields.STUDENT, lit(firstStudent));
  }

  /**
   * A table of the previous run, or null when it cannot be read (the comparison is then left out).
   */
  private static Dataset<Row> read(SparkSession spark, String path, String format) {
    try {
      return format.equals("json") ? spark.read().json(path) : spark.read().parquet(path);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(PreviousRun.class)
          .warn(
              "cannot read the previous run's {}: {}",
              path,
              InputPreflight.firstLine(e.getMessage()));
      return null;
    }
  }
}
