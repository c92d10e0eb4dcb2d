package dev.naturalness.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Metric;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.ScoreRecord;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.output.Outputs;
import dev.naturalness.report.ReportData;
import dev.naturalness.report.ReportHtml;
import dev.naturalness.report.RunSummary;
import dev.naturalness.scoring.ScoreParts;
import dev.naturalness.text.Span;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Aggregates and samples what the report shows (only small results reach the driver), writes
 * report.html, and small JSON copies for the notebooks (pandas reads them without pyarrow):
 * report_data/teachers.json, report_data/scores_sample.jsonl, report_data/selected_sample.jsonl
 * (the summary is summary.json alone). It draws them under {@link Outputs#REPORT_STAGING}; the run
 * moves them into place once it has written summary.json.
 */
public final class ReportStage {
  static final int BINS = 30;
  static final int WORST_RESPONSES = 6;
  static final int SCORES_SAMPLE = 20_000;
  static final int SELECTED_SAMPLE = 2_000;
  static final int PAIRS = 15;
  static final int DISAGREEMENT_SAMPLE = 25;
  private static final List<String> HISTOGRAM_METRICS =
      Arrays.stream(Metric.values()).map(Metric::key).toList();

  private ReportStage() {}

  public static void writeReport(
      Dataset<Row> canonical,
      Dataset<Row> scores,
      long scoreRows,
      Dataset<Row> selected,
      long selectedRows,
      List<TeacherSummary> teachers,
      RunSummary summary,
      Settings.Job settings,
      List<String> windows,
      Outputs outputs)
      throws IOException {
    Dataset<Row> ok = scores.filter(col(Fields.STATUS).equalTo(RowStatus.OK.code()));
    ReportData data =
        new ReportData(
            summary,
            settings.resolvedJson(),
            teachers,
            windows,
            histograms(ok),
            disagreements(ok),
            worstSteps(ok, teachers, canonical));
    String at = Outputs.REPORT_STAGING + "/";
    outputs.writeText(at + Outputs.REPORT, ReportHtml.render(data));
    // The teachers/ table's columns, so that a notebook reads the JSON as it would the table.
    outputs.writeText(
        at + Outputs.REPORT_DATA + "/teachers.json",
        new ObjectMapper()
            .writerWithDefaultPrettyPrinter()
            .writeValueAsString(teachers.stream().map(TeacherRows::toMap).toList()));
    double fraction = Math.min(1.0, (double) SCORES_SAMPLE / Math.max(1, scoreRows));
    outputs.writeText(
        at + Outputs.REPORT_DATA + "/scores_sample.jsonl",
        String.join(
                "\n",
                scores
                    .drop(ScoreRows.INTERNAL.toArray(new String[0]))
                    .drop(ScoreRows.STEP_COLUMNS.toArray(new String[0]))
                    .sample(false, fraction, 17)
                    .limit(SCORES_SAMPLE)
                    .toJSON()
                    .collectAsList())
            + "\n");
    outputs.writeText(
        at + Outputs.REPORT_DATA + "/selected_sample.jsonl",
        String.join(
                "\n",
                selected
                    .drop(SelectStage.INTERNAL.toArray(new String[0]))
                    .sample(
                        false,
                        Math.min(1.0, (double) SELECTED_SAMPLE / Math.max(1, selectedRows)),
                        17)
                    .limit(SELECTED_SAMPLE)
                    .toJSON()
                    .collectAsList())
            + "\n");
  }

  /**
   * Per student, each prompt's best response by LALP and by GALP among its responses scored by
   * both, and how the two picks' teachers differ. One pass counts the prompts per (student, LALP's
   * teacher, GALP's teacher); the sample is a second pass.
   */
  static Map<String, ReportData.Disagreements> disagreements(Dataset<Row> ok) {
    Dataset<Row> picks =
        TeacherStage.picksPerPrompt(
                ok.filter(col(Fields.LALP).isNotNull().and(col(Fields.GALP).isNotNull())))
            .select(
                col(Fields.STUDENT),
                col(Fields.PROMPT_ID),
                col(TeacherStage.LALP_PICK + ".teacher").as("lalp_teacher"),
                col(TeacherStage.LALP_PICK + ".value").as("lalp_value"),
                col(TeacherStage.GALP_PICK + ".teacher").as("galp_teacher"),
                col(TeacherStage.GALP_PICK + ".value").as("galp_value"));
    Map<String, long[]> totals = new LinkedHashMap<>();
    Map<String, List<ReportData.Pair>> pairs = new HashMap<>();
    for (Row r :
        picks
            .groupBy("student", "lalp_teacher", "galp_teacher")
            .count()
            .orderBy("student")
            .collectAsList()) {
      String student = r.getAs(Fields.STUDENT);
      String lalpTeacher = r.getAs("lalp_teacher");
      String galpTeacher = r.getAs("galp_teacher");
      long prompts = r.getAs("count");
      long[] t = totals.computeIfAbsent(student, s -> new long[2]);
      t[0] += prompts;
      if (!lalpTeacher.equals(galpTeacher)) {
        t[1] += prompts;
        pairs
            .computeIfAbsent(student, s -> new ArrayList<>())
            .add(new ReportData.Pair(lalpTeacher, galpTeacher, prompts));
      }
    }
    Map<String, List<ReportData.Example>> samples =
        totals.values().stream().anyMatch(t -> t[1] > 0) ? sample(picks) : Map.of();
    Map<String, ReportData.Disagreements> out = new LinkedHashMap<>();
    totals.forEach(
        (student, t) -> {
          List<ReportData.Pair> p = new ArrayList<>(pairs.getOrDefault(student, List.of()));
          p.sort(
              Comparator.comparingLong((ReportData.Pair x) -> -x.prompts())
                  .thenComparing(ReportData.Pair::lalpTeacher)
                  .thenComparing(ReportData.Pair::galpTeacher));
          out.put(
              student,
              new ReportData.Disagreements(
                  t[0],
                  t[1],
                  p.subList(0, Math.min(PAIRS, p.size())),
                  samples.getOrDefault(student, List.of())));
        });
    return out;
  }

  /** Per student, the first prompts (by id) whose LALP and GALP picks have other teachers. */
  private static Map<String, List<ReportData.Example>> sample(Dataset<Row> picks) {
    Map<String, List<ReportData.Example>> samples = new HashMap<>();
    Dataset<Row> differing =
        picks
            .filter(col("lalp_teacher").notEqual(col("galp_teacher")))
            .withColumn(
                "_n",
                row_number().over(Window.partitionBy(Fields.STUDENT).orderBy(Fields.PROMPT_ID)))
            .filter(col("_n").leq(DISAGREEMENT_SAMPLE));
    for (Row r : differing.orderBy(Fields.STUDENT, Fields.PROMPT_ID).collectAsList()) {
      samples
          .computeIfAbsent(r.getAs(Fields.STUDENT), s -> new ArrayList<>())
          .add(
              new ReportData.Example(
                  r.getAs(Fields.PROMPT_ID),
                  r.getAs("lalp_teacher"),
                  r.getAs("lalp_value"),
                  r.getAs("galp_teacher"),
                  r.getAs("galp_value")));
    }
    return samples;
  }

  /**
   * Per student and metric, BINS equal bins between the metric's 0.5th and 99.5th percentile
   * (values outside go to the end bins), counted per teacher; metrics with no value are left out.
   * Every range in one pass, every bin count in one more.
   */
  static Map<String, Map<String, ReportData.Histogram>> histograms(Dataset<Row> ok) {
    Map<String, Map<String, double[]>> bounds = histogramBounds(ok);
    Map<String, Map<String, Map<String, long[]>>> counts =
        bounds.isEmpty() ? Map.of() : binCounts(ok, bounds);
    Map<String, Map<String, ReportData.Histogram>> out = new LinkedHashMap<>();
    bounds.forEach(
        (student, byMetric) ->
            byMetric.forEach(
                (metric, lh) ->
                    out.computeIfAbsent(student, s -> new LinkedHashMap<>())
                        .put(
                            metric,
                            new ReportData.Histogram(
                                lh[0],
                                lh[1],
                                BINS,
                                counts
                                    .getOrDefault(student, Map.of())
                                    .getOrDefault(metric, Map.of())))));
    return out;
  }

  /** Per student and metric, the 0.5th and 99.5th percentile (a metric with no value left out). */
  private static Map<String, Map<String, double[]>> histogramBounds(Dataset<Row> ok) {
    List<Column> percentiles = new ArrayList<>();
    for (String metric : HISTOGRAM_METRICS) {
      percentiles.add(
          org.apache
              .spark
              .sql
              .functions
              .percentile_approx(col(metric), lit(0.005), lit(10000))
              .as(metric + "_low"));
      percentiles.add(
          org.apache
              .spark
              .sql
              .functions
              .percentile_approx(col(metric), lit(0.995), lit(10000))
              .as(metric + "_high"));
    }
    Map<String, Map<String, double[]>> bounds = new LinkedHashMap<>();
    for (Row r :
        ok.groupBy(col(Fields.STUDENT))
            .agg(
                percentiles.get(0),
                percentiles.subList(1, percentiles.size()).toArray(new Column[0]))
            .orderBy(Fields.STUDENT)
            .collectAsList()) {
      for (String metric : HISTOGRAM_METRICS) {
        Double low = r.getAs(metric + "_low");
        Double high = r.getAs(metric + "_high");
        if (low != null) {
          bounds
              .computeIfAbsent(r.getAs(Fields.STUDENT), s -> new LinkedHashMap<>())
              .put(metric, new double[] {low, Math.max(high, low + 1e-6)});
        }
      }
    }
    return bounds;
  }

  /** Per student, metric and teacher, the count in each bin, in one pass. */
  private static Map<String, Map<String, Map<String, long[]>>> binCounts(
      Dataset<Row> ok, Map<String, Map<String, double[]>> bounds) {
    List<Column> binned = new ArrayList<>();
    for (String metric : HISTOGRAM_METRICS) {
      binned.add(struct(lit(metric).as("metric"), bin(metric, bounds).as("bin")));
    }
    Map<String, Map<String, Map<String, long[]>>> counts = new HashMap<>();
    for (Row r :
        ok.select(
                col(Fields.STUDENT),
                col(Fields.TEACHER),
                explode(array(binned.toArray(new Column[0]))).as("_b"))
            .filter(col("_b.bin").isNotNull())
            .groupBy(
                col(Fields.STUDENT),
                col(Fields.TEACHER),
                col("_b.metric").as("metric"),
                col("_b.bin").as("bin"))
            .agg(count("*").as("n"))
            .collectAsList()) {
      counts
              .computeIfAbsent(r.getAs(Fields.STUDENT), s -> new HashMap<>())
              .computeIfAbsent(r.getAs("metric"), m -> new HashMap<>())
              .computeIfAbsent(r.getAs(Fields.TEACHER), t -> new long[BINS])[
              r.<Integer>getAs("bin")] =
          r.getAs("n");
    }
    return counts;
  }

  /** A row's bin of the metric under its student's bounds (null without a value). */
  private static Column bin(String metric, Map<String, Map<String, double[]>> bounds) {
    Column low = lit(null).cast(DataTypes.DoubleType);
    Column high = lit(null).cast(DataTypes.DoubleType);
    for (Map.Entry<String, Map<String, double[]>> b : bounds.entrySet()) {
      double[] lh = b.getValue().get(metric);
      if (lh != null) {
        low = when(col(Fields.STUDENT).equalTo(b.getKey()), lit(lh[0])).otherwise(low);
        high = when(col(Fields.STUDENT).equalTo(b.getKey()), lit(lh[1])).otherwise(high);
      }
    }
    // greatest() skips nulls, so a missing value is kept out explicitly.
    return when(
        col(metric).isNotNull().and(low.isNotNull()),
        least(
            lit(BINS - 1),
            greatest(
                lit(0),
                floor(col(metric).minus(low).divide(high.minus(low)).multiply(BINS)).cast("int"))));
  }

  /**
   * The lowest-LALP response of each of the first student's top teachers, cut into the steps it was
   * scored with (its step spans), the texts from the input rows that were scored.
   */
  static List<ReportData.ResponseSteps> worstSteps(
      Dataset<Row> ok, List<TeacherSummary> teachers, Dataset<Row> canonical) {
    List<String> top = new ArrayList<>();
    String student = teachers.isEmpty() ? null : teachers.get(0).student();
    for (TeacherSummary t : teachers) {
      if (t.student().equals(student)
          && top.size() < WORST_RESPONSES
          && t.of(Metric.LALP).rank() != null) {
        top.add(t.teacher());
      }
    }
    if (top.isEmpty()) {
      return List.of();
    }
    Map<String, Row> byTeacher = new HashMap<>();
    for (Row r : lowestPerTeacher(ok, student, top, canonical)) {
      byTeacher.put(r.getAs(Fields.TEACHER), r);
    }
    List<ReportData.ResponseSteps> out = new ArrayList<>();
    for (String teacher : top) {
      Row r = byTeacher.get(teacher);
      if (r != null) {
        out.add(responseSteps(student, r));
      }
    }
    return out;
  }

  /**
   * Each teacher's lowest-LALP response with its steps, and its prompt and response texts from the
   * canonical rows that were scored.
   */
  private static List<Row> lowestPerTeacher(
      Dataset<Row> ok, String student, List<String> teachers, Dataset<Row> canonical) {
    Dataset<Row> lowest =
        ok.filter(
                col(Fields.STUDENT)
                    .equalTo(student)
                    .and(col(Fields.TEACHER).isin(teachers.toArray()))
                    .and(col(Fields.LALP).isNotNull()))
            .withColumn(
                "_r",
                row_number()
                    .over(
                        Window.partitionBy(Fields.TEACHER)
                            .orderBy(col(Fields.LALP).asc(), col(Fields.RESPONSE_ID))))
            .filter(col("_r").equalTo(1))
            .select(
                col(Fields.TEACHER),
                col(Fields.PROMPT_ID),
                col(Fields.RESPONSE_ID),
                col(Fields.LALP),
                col(Fields.STEP_SCORES),
                col(Fields.STEP_SPANS));
    Dataset<Row> texts =
        canonical
            .filter(col(Fields.DUPLICATE).equalTo("NONE"))
            .select(
                col(Fields.RESPONSE_ID).as("_id"),
                col(Fields.PROMPT).as("_prompt"),
                col(Fields.RESPONSE).as("_response"));
    return lowest
        .join(texts, lowest.col(Fields.RESPONSE_ID).equalTo(texts.col("_id")))
        .drop("_id")
        .collectAsList();
  }

  /** A response cut at its carried step spans (whole when step scores were not written). */
  private static ReportData.ResponseSteps responseSteps(String student, Row r) {
    String text = r.getAs("_response");
    ScoreRecord scored = ScoreRows.fromRow(r);
    List<String> steps = new ArrayList<>();
    List<Float> scores = null;
    if (scored.stepSpans() != null) {
      for (Span s : ScoreParts.charSpans(text, scored.stepSpans())) {
        steps.add(text.substring(s.start(), s.end()));
      }
      scores = SparkValues.list(r.getAs(Fields.STEP_SCORES));
    } else {
      steps.add(text);
    }
    return new ReportData.ResponseSteps(
        student,
        scored.teacher(),
        scored.promptId(),
        scored.responseId(),
        scored.value(Metric.LALP),
        r.getAs("_prompt"),
        steps,
        scores);
  }
}
