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
import dev.naturalness.report.ReportData;
import dev.naturalness.report.ReportHtml;
import dev.naturalness.text.GivenSteps;
import dev.naturalness.text.Segmenter;
import dev.naturalness.text.Span;
import dev.naturalness.text.TextException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Aggregates and samples what the report shows (only small results reach the driver), writes
 * report.html, and small JSON copies for the notebooks (pandas reads them without pyarrow):
 * report_data/teachers.json, report_data/scores_sample.jsonl, report_data/selected_sample.jsonl.
 */
public final class ReportStage {
  static final int BINS = 30;
  static final int WORST_RESPONSES = 6;
  static final int SCORES_SAMPLE = 20_000;
  static final int SELECTED_SAMPLE = 2_000;

  private ReportStage() {}

  public static void writeReport(
      Dataset<Row> scores,
      long scoreRows,
      Dataset<Row> canonical,
      Dataset<Row> selected,
      long selectedRows,
      List<Row> teachers,
      Map<String, Object> summary,
      Settings.Job settings,
      Outputs outputs)
      throws IOException {
    Dataset<Row> ok = scores.filter(col(Fields.STATUS).equalTo(Status.OK));
    List<Map<String, Object>> teacherMaps = new ArrayList<>();
    for (Row t : teachers) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (String f : t.schema().fieldNames()) {
        m.put(f, t.getAs(f));
      }
      teacherMaps.add(m);
    }

    Map<String, ReportData.Histogram> histograms = histograms(ok);
    Disagreements disagreements = disagreements(ok);
    ReportData data =
        new ReportData(
            withoutConfig(summary),
            settings.resolvedJson(),
            teacherMaps,
            histograms,
            disagreements.compared(),
            disagreements.prompts(),
            disagreements.pairs(),
            disagreements.sample(),
            worstSteps(ok, canonical, teachers, settings.scoring().segmenter()));
    outputs.writeText("report.html", ReportHtml.render(data));

    ObjectMapper json = new ObjectMapper();
    outputs.writeText(
        "report_data/teachers.json",
        json.writerWithDefaultPrettyPrinter().writeValueAsString(teacherMaps));
    double fraction = Math.min(1.0, (double) SCORES_SAMPLE / Math.max(1, scoreRows));
    outputs.writeText(
        "report_data/scores_sample.jsonl",
        String.join(
                "\n",
                scores
                    .drop(ScoreStage.INTERNAL.toArray(new String[0]))
                    .drop(Fields.STEP_SCORES)
                    .sample(false, fraction, 17)
                    .limit(SCORES_SAMPLE)
                    .toJSON()
                    .collectAsList())
            + "\n");
    outputs.writeText(
        "report_data/selected_sample.jsonl",
        String.join(
                "\n",
                selected
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
   * Where LALP's and GALP's picks differ: prompts compared, prompts that differ, the top pairs, a
   * sample.
   */
  record Disagreements(
      long compared,
      long prompts,
      List<Map<String, Object>> pairs,
      List<Map<String, Object>> sample) {}

  static final int PAIRS = 15;
  static final int DISAGREEMENT_SAMPLE = 25;

  /**
   * Each prompt's best response by LALP and by GALP among its responses scored by both, and how the
   * two picks' teachers differ. Needs the columns prompt_id, teacher, response_id, lalp and galp.
   */
  static Disagreements disagreements(Dataset<Row> ok) {
    // One pass counts the prompts per (LALP's pick's teacher, GALP's pick's teacher): the pairs are
    // few, and the counts and the top pairs come from them; the sample is a second pass.
    Dataset<Row> picks =
        TeacherStage.picksPerPrompt(
                ok.filter(col(Fields.LALP).isNotNull().and(col(Fields.GALP).isNotNull())))
            .select(
                col(Fields.PROMPT_ID),
                col(TeacherStage.LALP_PICK + ".teacher").as("lalp_teacher"),
                col(TeacherStage.LALP_PICK + ".value").as("lalp_value"),
                col(TeacherStage.GALP_PICK + ".teacher").as("galp_teacher"),
                col(TeacherStage.GALP_PICK + ".value").as("galp_value"));
    long compared = 0;
    long disagreements = 0;
    List<Row> differing = new ArrayList<>();
    for (Row r : picks.groupBy("lalp_teacher", "galp_teacher").count().collectAsList()) {
      compared += r.getLong(2);
      if (!r.getString(0).equals(r.getString(1))) {
        disagreements += r.getLong(2);
        differing.add(r);
      }
    }
    differing.sort(
        Comparator.comparingLong((Row r) -> -r.getLong(2))
            .thenComparing((Row r) -> r.getString(0))
            .thenComparing((Row r) -> r.getString(1)));
    List<Map<String, Object>> pairs = new ArrayList<>();
    for (Row r : differing.subList(0, Math.min(PAIRS, differing.size()))) {
      pairs.add(
          Map.of(
              "lalp_teacher",
              r.getString(0),
              "galp_teacher",
              r.getString(1),
              "prompts",
              r.getLong(2)));
    }
    List<Map<String, Object>> sample = new ArrayList<>();
    if (disagreements > 0) {
      for (Row r :
          picks
              .filter(col("lalp_teacher").notEqual(col("galp_teacher")))
              .orderBy(Fields.PROMPT_ID)
              .limit(DISAGREEMENT_SAMPLE)
              .collectAsList()) {
        sample.add(
            Map.of(
                "prompt_id",
                r.getAs(Fields.PROMPT_ID),
                "lalp_teacher",
                r.getAs("lalp_teacher"),
                "lalp",
                r.getAs("lalp_value"),
                "galp_teacher",
                r.getAs("galp_teacher"),
                "galp",
                r.getAs("galp_value")));
      }
    }
    return new Disagreements(compared, disagreements, pairs, sample);
  }

  /**
   * Per metric, BINS equal bins between its 0.5th and 99.5th percentile (values outside go to the
   * end bins), counted per teacher; metrics with no value are left out. Needs the columns teacher,
   * lalp and galp.
   */
  static Map<String, ReportData.Histogram> histograms(Dataset<Row> ok) {
    // Every metric's range in one pass, then every metric's bins in one more: each Spark job costs
    // a fixed part of a second, which is most of a small run's report.
    List<String> metrics = List.of(TeacherStage.METRICS);
    List<String> percentiles = new ArrayList<>();
    for (String metric : metrics) {
      percentiles.add("percentile_approx(" + metric + ", 0.005)");
      percentiles.add("percentile_approx(" + metric + ", 0.995)");
    }
    Row ranges = ok.selectExpr(percentiles.toArray(new String[0])).first();
    List<Column> binned = new ArrayList<>();
    Map<String, double[]> bounds = new LinkedHashMap<>();
    for (int m = 0; m < metrics.size(); m++) {
      if (ranges.isNullAt(2 * m)) {
        continue;
      }
      double low = ranges.getDouble(2 * m);
      double high = Math.max(ranges.getDouble(2 * m + 1), low + 1e-6);
      bounds.put(metrics.get(m), new double[] {low, high});
      // greatest() skips nulls, so a missing value is kept out explicitly.
      binned.add(
          struct(
              lit(metrics.get(m)).as("metric"),
              when(
                      col(metrics.get(m)).isNotNull(),
                      least(
                          lit(BINS - 1),
                          greatest(
                              lit(0),
                              floor(
                                      col(metrics.get(m))
                                          .minus(low)
                                          .divide(high - low)
                                          .multiply(BINS))
                                  .cast("int"))))
                  .as("bin")));
    }
    Map<String, Map<String, long[]>> counts = new HashMap<>();
    if (!binned.isEmpty()) {
      for (Row r :
          ok.select(col(Fields.TEACHER), explode(array(binned.toArray(new Column[0]))).as("_b"))
              .filter(col("_b.bin").isNotNull())
              .groupBy(col(Fields.TEACHER), col("_b.metric"), col("_b.bin"))
              .agg(count("*"))
              .collectAsList()) {
        counts.computeIfAbsent(r.getString(1), k -> new HashMap<>())
                .computeIfAbsent(r.getString(0), k -> new long[BINS])[r.getInt(2)] =
            r.getLong(3);
      }
    }
    Map<String, ReportData.Histogram> histograms = new LinkedHashMap<>();
    bounds.forEach(
        (metric, lowHigh) ->
            histograms.put(
                metric,
                new ReportData.Histogram(
                    lowHigh[0], lowHigh[1], BINS, counts.getOrDefault(metric, new HashMap<>()))));
    return histograms;
  }

  /**
   * The lowest-LALP response of each of the top teachers, cut into its steps again; the texts come
   * from the cached canonical rows (reading the input again would parse the whole corpus for a few
   * rows).
   */
  static List<ReportData.ResponseSteps> worstSteps(
      Dataset<Row> ok, Dataset<Row> canonical, List<Row> teachers, String segmenter) {
    List<String> top = new ArrayList<>();
    for (Row t : teachers) {
      if (top.size() < WORST_RESPONSES && t.getAs("lalp_rank") != null) {
        top.add(t.getAs(Fields.TEACHER));
      }
    }
    if (top.isEmpty()) {
      return List.of();
    }
    List<Row> worst =
        ok.filter(col(Fields.TEACHER).isin(top.toArray()).and(col(Fields.LALP).isNotNull()))
            .withColumn(
                "_r",
                row_number()
                    .over(
                        Window.partitionBy(Fields.TEACHER)
                            .orderBy(col(Fields.LALP).asc(), col(Fields.RESPONSE_ID))))
            .filter(col("_r").equalTo(1))
            .select(
                Fields.ROW,
                Fields.TEACHER,
                Fields.PROMPT_ID,
                Fields.RESPONSE_ID,
                Fields.LALP,
                Fields.STEP_SCORES)
            .collectAsList();
    Map<Long, Row> byRow = new HashMap<>();
    for (Row r : worst) {
      byRow.put(r.getLong(0), r);
    }
    boolean given = segmenter.equals("column");
    Map<Long, Row> texts = new HashMap<>();
    for (Row r :
        canonical
            .filter(col(Fields.ROW).isin(byRow.keySet().toArray()))
            .select(Fields.ROW, Fields.PROMPT, Fields.RESPONSE, Fields.STEPS)
            .collectAsList()) {
      texts.put(r.getLong(0), r);
    }
    List<ReportData.ResponseSteps> out = new ArrayList<>();
    for (String teacher : top) {
      for (Row r : worst) {
        if (!teacher.equals(r.getString(1)) || !texts.containsKey(r.getLong(0))) {
          continue;
        }
        Row text = texts.get(r.getLong(0));
        String prompt = text.getString(1);
        String response = text.getString(2);
        List<String> steps = new ArrayList<>();
        try {
          List<Span> spans =
              given
                  ? GivenSteps.spans(response, text.getList(3))
                  : Segmenter.named(segmenter).segment(response);
          for (Span s : spans) {
            steps.add(response.substring(s.start(), s.end()));
          }
        } catch (TextException | IllegalArgumentException e) {
          steps.add(response);
        }
        List<Float> scores = r.isNullAt(5) ? null : r.getList(5);
        // With a byte-level vocabulary every step has tokens; otherwise a step may have been
        // dropped.
        if (scores != null && scores.size() != steps.size()) {
          scores = null;
        }
        out.add(
            new ReportData.ResponseSteps(
                teacher, r.getString(2), r.getString(3), r.getDouble(4), prompt, steps, scores));
      }
    }
    return out;
  }

  private static Map<String, Object> withoutConfig(Map<String, Object> summary) {
    Map<String, Object> m = new LinkedHashMap<>(summary);
    m.remove("config");
    return m;
  }
}
