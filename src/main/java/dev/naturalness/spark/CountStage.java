package dev.naturalness.spark;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.corr;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Metric;
import dev.naturalness.data.RowFlag;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.ScoreTotals;
import dev.naturalness.report.CorpusCounts;
import dev.naturalness.report.RunSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The counts a run reports, each in one pass: of the corpus as read, and of the scores. */
final class CountStage {
  private CountStage() {}

  static CorpusCounts corpus(Dataset<Row> canonical) {
    Row r =
        canonical
            .agg(
                count(lit(1)).as("rows"),
                sum(when(col(Fields.DUPLICATE).equalTo("OTHER_TEXT"), 1).otherwise(0))
                    .as("duplicates"),
                sum(when(col(Fields.CORRECT_UNRECOGNIZED), 1).otherwise(0)).as("unrecognized"),
                count(col(Fields.CORRECT)).as("labelled"))
            .first();
    return new CorpusCounts(
        SparkValues.longOr0(r, "rows"),
        SparkValues.longOr0(r, "duplicates"),
        SparkValues.longOr0(r, "unrecognized"),
        SparkValues.longOr0(r, "labelled"));
  }

  /** Rows per status, tokens, and rows scored now or reused, in one pass over the scores. */
  static ScoreTotals totals(Dataset<Row> scores) {
    Map<String, Long> byStatus = new TreeMap<>();
    Map<String, Long> byStatusNow = new TreeMap<>();
    long responseTokens = 0;
    long modelTokens = 0;
    long scoredNow = 0;
    long reused = 0;
    for (Row r :
        scores
            .groupBy(Fields.STATUS)
            .agg(
                count("*").as("rows"),
                sum(col(Fields.N_TOKENS)).cast("long").as("response_tokens"),
                sum(col(Fields.MODEL_TOKENS)).cast("long").as("model_tokens"),
                sum(when(col(Fields.REUSED).equalTo(false), 1).otherwise(0)).cast("long").as("now"),
                sum(when(col(Fields.REUSED), 1).otherwise(0)).cast("long").as("reused"))
            .collectAsList()) {
      String status = r.getAs(Fields.STATUS);
      byStatus.put(status, SparkValues.longOr0(r, "rows"));
      byStatusNow.put(status, SparkValues.longOr0(r, "now"));
      responseTokens += SparkValues.longOr0(r, "response_tokens");
      modelTokens += SparkValues.longOr0(r, "model_tokens");
      if (RowStatus.OK.code().equals(status)) {
        scoredNow += SparkValues.longOr0(r, "now");
      }
      reused += SparkValues.longOr0(r, "reused");
    }
    String firstModelError = null;
    if (byStatus.getOrDefault(RowStatus.MODEL_ERROR.code(), 0L) > 0) {
      firstModelError =
          scores
              .filter(col(Fields.STATUS).equalTo(RowStatus.MODEL_ERROR.code()))
              .select(Fields.ERROR)
              .first()
              .getAs(Fields.ERROR);
    }
    return new ScoreTotals(
        byStatus, byStatusNow, responseTokens, modelTokens, scoredNow, reused, firstModelError);
  }

  /**
   * Per student, how each metric follows response length and mean step length over all scored rows.
   */
  static List<RunSummary.Lengths> lengths(Dataset<Row> scores) {
    Column stepChars = col(Fields.RESPONSE_CHARS).divide(col(Fields.N_STEPS));
    List<Column> correlations = new ArrayList<>();
    for (Metric m : Metric.values()) {
      correlations.add(corr(col(m.key()), col(Fields.RESPONSE_CHARS)).as(m.key() + "_length"));
      correlations.add(corr(col(m.key()), stepChars).as(m.key() + "_step_length"));
    }
    List<RunSummary.Lengths> out = new ArrayList<>();
    for (Row r :
        scores
            .filter(col(Fields.STATUS).equalTo(RowStatus.OK.code()))
            .groupBy(Fields.STUDENT)
            .agg(
                correlations.get(0),
                correlations.subList(1, correlations.size()).toArray(new Column[0]))
            .orderBy(Fields.STUDENT)
            .collectAsList()) {
      Map<String, Double> length = new LinkedHashMap<>();
      Map<String, Double> stepLength = new LinkedHashMap<>();
      for (Metric m : Metric.values()) {
        length.put(m.key(), finite(r.getAs(m.key() + "_length")));
        stepLength.put(m.key(), finite(r.getAs(m.key() + "_step_length")));
      }
      out.add(new RunSummary.Lengths(r.getAs(Fields.STUDENT), length, stepLength));
    }
    return out;
  }

  /**
   * Per student, the funnel from its rows to its selection: scored rows, how many of them fail each
   * check, and those left after each check select.require names, in one pass; the prompts with a
   * candidate and the rows selected, from the selection.
   */
  static List<RunSummary.Funnel> funnel(
      Dataset<Row> scores, Dataset<Row> selected, Settings.Select select) {
    Column ok = col(Fields.STATUS).equalTo(RowStatus.OK.code()).and(col(Fields.LALP).isNotNull());
    List<Column> sums = new ArrayList<>();
    sums.add(sum(when(ok, 1).otherwise(0)).as("scored"));
    for (RowFlag f : RowFlag.values()) {
      sums.add(
          sum(when(ok.and(array_contains(col(Fields.FLAGS), f.code())), 1).otherwise(0))
              .as("flag_" + f.code()));
    }
    List<RowFlag> required = new ArrayList<>(select.require());
    List<Column> passed = new ArrayList<>();
    for (int i = 0; i < required.size(); i++) {
      Column clear = ok;
      for (RowFlag f : required.subList(0, i + 1)) {
        clear = clear.and(not(array_contains(col(Fields.FLAGS), f.code())));
      }
      sums.add(sum(when(clear, 1).otherwise(0)).as("pass_" + i));
      passed.add(clear);
    }
    Column candidate = SelectStage.candidate(select);
    sums.add(countDistinct(when(candidate, col(Fields.PROMPT_ID))).as("prompts"));
    Map<String, Long> selectedRows = new LinkedHashMap<>();
    for (Row r : selected.groupBy(Fields.STUDENT).count().collectAsList()) {
      selectedRows.put(r.getAs(Fields.STUDENT), r.<Long>getAs("count"));
    }
    List<RunSummary.Funnel> out = new ArrayList<>();
    for (Row r :
        scores
            .groupBy(Fields.STUDENT)
            .agg(count(lit(1)).as("rows"), sums.toArray(new Column[0]))
            .orderBy(Fields.STUDENT)
            .collectAsList()) {
      Map<String, Long> flagged = new LinkedHashMap<>();
      for (RowFlag f : RowFlag.values()) {
        flagged.put(f.code(), SparkValues.longOr0(r, "flag_" + f.code()));
      }
      Map<String, Long> steps = new LinkedHashMap<>();
      long scored = SparkValues.longOr0(r, "scored");
      steps.put("scored", scored);
      long left = scored;
      for (int i = 0; i < required.size(); i++) {
        left = SparkValues.longOr0(r, "pass_" + i);
        steps.put("passes " + required.get(i).check(), left);
      }
      steps.put("candidates", left);
      steps.put("prompts with a candidate", SparkValues.longOr0(r, "prompts"));
      String student = r.getAs(Fields.STUDENT);
      out.add(
          new RunSummary.Funnel(
              student,
              SparkValues.longOr0(r, "rows"),
              scored,
              flagged,
              steps,
              selectedRows.getOrDefault(student, 0L)));
    }
    return out;
  }

  private static Double finite(Double v) {
    return v == null || Double.isNaN(v) ? null : v;
  }
}
