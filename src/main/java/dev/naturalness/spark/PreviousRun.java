package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Messages;
import dev.naturalness.data.Metric;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.output.Outputs;
import dev.naturalness.report.RunSummary;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * What changed since the run the publish pointer named before this one (a nightly refresh's last
 * night): per student, prompts whose first selected response changed, appeared or went; first picks
 * gained or lost per teacher; and teachers whose LALP rank moved. A previous run written before
 * several students existed counts as the first student's.
 *
 * <p>The previous run is read as it was written: in the output format its own summary.json names,
 * and through the columns the job itself writes (selected/'s response_id, student and rank;
 * scores/' prompt_id and teacher), never through this run's input mapping. Anything that keeps the
 * two runs from being compared (no summary.json, a table that cannot be read, a schema of another
 * version) leaves the comparison out with its reason: a diff never stops a run from publishing.
 */
final class PreviousRun {
  private static final Logger LOG = LoggerFactory.getLogger(PreviousRun.class);

  /** The comparison, or why there is none (then {@code students} is null). */
  record Comparison(List<RunSummary.SincePrevious> students, String skipped) {}

  /** The column of teachers/ that holds the ranking metric's rank. */
  private static final String RANK = TeacherRows.column(Metric.LALP, "rank");

  private PreviousRun() {}

  static Comparison compare(
      SparkSession spark,
      String previous,
      Dataset<Row> selected,
      List<TeacherSummary> teachers,
      Configuration hadoop) {
    try {
      String format = writtenFormat(previous, hadoop);
      return new Comparison(compare(spark, previous, format, selected, teachers), null);
    } catch (Exception e) { // Spark's AnalysisException is checked, though nothing declares it
      String reason = Messages.firstLine(String.valueOf(e.getMessage()));
      LOG.warn(
          "not compared with the previous run {}: {}; this run publishes without the comparison",
          previous,
          reason);
      return new Comparison(null, reason);
    }
  }

  /** The output format the previous run wrote its tables in, from its summary.json. */
  private static String writtenFormat(String previous, Configuration hadoop) throws IOException {
    Path summary = new Path(previous, Outputs.SUMMARY);
    JsonNode node;
    try (InputStream in = summary.getFileSystem(hadoop).open(summary)) {
      node = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new IOException(summary + " cannot be read: " + e.getMessage(), e);
    }
    String format = node.path("config").path("output").path("format").asText("parquet");
    if (!format.equals("parquet") && !format.equals("json")) {
      throw new IOException(summary + " names output.format '" + format + "'");
    }
    return format;
  }

  private static List<RunSummary.SincePrevious> compare(
      SparkSession spark,
      String previous,
      String format,
      Dataset<Row> selected,
      List<TeacherSummary> teachers) {
    String firstStudent = teachers.isEmpty() ? "" : teachers.get(0).student();
    Dataset<Row> before =
        firstPicks(
            read(spark, previous + "/selected", format),
            read(spark, previous + "/scores", format),
            firstStudent);
    Dataset<Row> beforeTeachers = read(spark, previous + "/teachers", format);
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
                JavaConverters.asScalaBuffer(List.of(Fields.STUDENT, Fields.PROMPT_ID)).toSeq(),
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

  /**
   * The previous run's first picks with their prompt and teacher as its scores/ names them (the
   * job's own columns, whatever the input called them).
   */
  private static Dataset<Row> firstPicks(
      Dataset<Row> selected, Dataset<Row> scores, String firstStudent) {
    Dataset<Row> picks =
        withStudent(selected, firstStudent)
            .filter(col(Fields.SELECTION_RANK).equalTo(1))
            .select(col(Fields.STUDENT), col(Fields.RESPONSE_ID).as("before_id"));
    Dataset<Row> rows =
        withStudent(scores, firstStudent)
            .select(
                col(Fields.STUDENT).as("_s"),
                col(Fields.RESPONSE_ID).as("_r"),
                col(Fields.PROMPT_ID).cast("string").as(Fields.PROMPT_ID),
                col(Fields.TEACHER).cast("string").as("before_teacher"));
    return picks
        .join(
            rows,
            picks
                .col(Fields.STUDENT)
                .equalTo(rows.col("_s"))
                .and(picks.col("before_id").equalTo(rows.col("_r"))))
        .select(
            col(Fields.STUDENT), col(Fields.PROMPT_ID), col("before_id"), col("before_teacher"));
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
            // JSON Lines read back give whole numbers as longs: the rank is read as what it is.
            .select(col(Fields.STUDENT), col(Fields.TEACHER), col(RANK).cast("int").as(RANK))
            .collectAsList()) {
      ranks
          .computeIfAbsent(r.getAs(Fields.STUDENT), s -> new HashMap<>())
          .put(r.getAs(Fields.TEACHER), r.getAs(RANK));
    }
    return ranks;
  }

  /** The student's teachers whose LALP rank moved: {before, now}. */
  private static Map<String, List<Integer>> moved(
      List<TeacherSummary> teachers, String student, Map<String, Integer> before) {
    Map<String, List<Integer>> moved = new LinkedHashMap<>();
    for (TeacherSummary t : teachers) {
      Integer was = before.get(t.teacher());
      if (t.student().equals(student) && !Objects.equals(was, t.of(Metric.LALP).rank())) {
        moved.put(t.teacher(), Arrays.asList(was, t.of(Metric.LALP).rank()));
      }
    }
    return moved;
  }

  private static Dataset<Row> withStudent(Dataset<Row> d, String firstStudent) {
    return Arrays.asList(d.columns()).contains(Fields.STUDENT)
        ? d
        : d.withColumn(Fields.STUDENT, lit(firstStudent));
  }

  /** A table of the previous run, in the format it was written in. */
  private static Dataset<Row> read(SparkSession spark, String path, String format) {
    return format.equals("json") ? spark.read().json(path) : spark.read().parquet(path);
  }
}
