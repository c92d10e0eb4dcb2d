package dev.naturalness.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.config.OutputFormat;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Messages;
import dev.naturalness.data.Metric;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.StudentTeacher;
import dev.naturalness.output.Outputs;
import dev.naturalness.report.CostPlan;
import dev.naturalness.report.SamplingError;
import dev.naturalness.scoring.SampleEstimator;
import dev.naturalness.scoring.StratifiedEstimate;
import dev.naturalness.scoring.StratifiedEstimate.Pool;
import dev.naturalness.scoring.StratifiedEstimate.Spread;
import dev.naturalness.stats.SamplingTiers;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Standard errors of sampled LALP. Each response's is pooled ({@link StratifiedEstimate}): per
 * stratum, its own draws with the per-step variance of the same stratum over its teacher's sampled
 * responses (the student's whole corpus when the teacher's draws are too few), so that a response
 * whose few draws happen to agree does not claim a precision it lacks. And per teacher, the
 * standard error sampling m steps adds to its mean LALP: at the scores' own m their own; at another
 * m each response's strata re-split for m and scaled, so a previous run tells what a planned m will
 * give before it is paid for.
 */
final class SamplingErrors {
  private SamplingErrors() {}

  /** One result: the figures, or why there are none. */
  record Expected(List<SamplingError> errors, String source) {}

  /**
   * The priors: per student and teacher, and per student over the corpus (the teacher's stand-in
   * where its own draws are few), each stratum's pooled per-step variance.
   */
  record Pools(
      Map<StudentTeacher, StratifiedEstimate.Prior> teachers,
      Map<String, StratifiedEstimate.Prior> students)
      implements Serializable {
    StratifiedEstimate.Prior prior(String student, String teacher) {
      StratifiedEstimate.Prior own = teachers.get(new StudentTeacher(student, teacher));
      return own != null ? own : students.getOrDefault(student, StratifiedEstimate.Prior.NONE);
    }
  }

  private static final String C = "covered";
  private static final String U = "uncovered";

  /** Each stratum's pooled per-step variance, per teacher and per student ({@link Pool}). */
  static Pools pools(Dataset<Row> scores) {
    Dataset<Row> sampled =
        scores.filter(
            col(Fields.STATUS)
                .equalTo(RowStatus.OK.code())
                .and(col(Fields.LALP_STRATA).isNotNull()));
    List<Column> sums = new ArrayList<>();
    for (String h : List.of(C, U)) {
      Column m = col(Fields.LALP_STRATA + "." + h + "_sampled");
      Column informative = m.geq(2).and(m.lt(col(Fields.LALP_STRATA + "." + h + "_steps")));
      sums.add(
          sum(when(informative, col(Fields.LALP_STRATA + "." + h + "_squares")).otherwise(0.0))
              .as(h + "_ss"));
      sums.add(sum(when(informative, m.minus(1)).otherwise(0)).cast("double").as(h + "_df"));
    }
    Map<StudentTeacher, Pool> teachers = new HashMap<>();
    Map<String, Pool> students = new HashMap<>();
    for (Row r :
        sampled
            .groupBy(col(Fields.STUDENT), col(Fields.TEACHER))
            .agg(sums.get(0), sums.subList(1, sums.size()).toArray(new Column[0]))
            .collectAsList()) {
      Pool pool = new Pool(spread(r, C), spread(r, U));
      StudentTeacher key = new StudentTeacher(r.getAs(Fields.STUDENT), r.getAs(Fields.TEACHER));
      teachers.put(key, pool);
      students.merge(key.student(), pool, Pool::merge);
    }
    Map<String, StratifiedEstimate.Prior> corpus = new HashMap<>();
    students.forEach((student, all) -> corpus.put(student, all.prior(null)));
    Map<StudentTeacher, StratifiedEstimate.Prior> own = new HashMap<>();
    teachers.forEach((key, t) -> own.put(key, t.prior(students.get(key.student()))));
    return new Pools(own, corpus);
  }

  private static Spread spread(Row r, String stratum) {
    return new Spread(r.<Double>getAs(stratum + "_ss"), r.<Double>getAs(stratum + "_df"));
  }

  /** The scores with each sampled response's lalp_se pooled with its teacher's prior. */
  static Dataset<Row> withPooledErrors(Dataset<Row> scores, Pools pools) {
    UDF3<Row, String, String, Double> pooled =
        (strata, student, teacher) ->
            StratifiedEstimate.standardError(
                SparkValues.strata(strata), pools.prior(student, teacher));
    UserDefinedFunction f = functions.udf(pooled, DataTypes.DoubleType);
    return scores.withColumn(
        Fields.LALP_SE,
        when(
                col(Fields.LALP_STRATA).isNotNull(),
                f.apply(col(Fields.LALP_STRATA), col(Fields.STUDENT), col(Fields.TEACHER)))
            .otherwise(col(Fields.LALP_SE)));
  }

  /**
   * Per student and teacher, at m sampled steps: each response's standard error at m from its
   * strata and its teacher's prior (0 when it has at most m steps; unknown when it was scored whole
   * before but has more than m steps), and the share of the sampled responses' steps the GALP pass
   * reached.
   */
  static List<SamplingError> at(Dataset<Row> scores, int m, SampleEstimator estimator) {
    Column ok = col(Fields.STATUS).equalTo(RowStatus.OK.code()).and(col(Fields.LALP).isNotNull());
    Pools pools = pools(scores);
    UDF4<Row, String, String, Integer, Double> atM =
        (strata, student, teacher, steps) ->
            steps <= m
                ? Double.valueOf(0.0)
                : strata == null
                    ? null
                    : StratifiedEstimate.standardErrorAt(
                        SparkValues.strata(strata), pools.prior(student, teacher), m);
    UserDefinedFunction f = functions.udf(atM, DataTypes.DoubleType);
    Column steps = col(Fields.N_STEPS);
    List<SamplingError> out = new ArrayList<>();
    for (Row r :
        scores
            .filter(ok)
            .withColumn(
                "_se",
                f.apply(col(Fields.LALP_STRATA), col(Fields.STUDENT), col(Fields.TEACHER), steps))
            .groupBy(Fields.STUDENT, Fields.TEACHER)
            .agg(
                count(lit(1)).as("n"),
                sum(when(steps.gt(m), 1).otherwise(0)).as("sampled"),
                count(col("_se")).as("known"),
                avg(col(Fields.LALP)).as("mean"),
                sum(col("_se").multiply(col("_se"))).as("squares"),
                sum(col(Fields.LALP_STRATA + ".covered_steps")).as("covered"),
                sum(col(Fields.LALP_STRATA + ".covered_steps")
                        .plus(col(Fields.LALP_STRATA + ".uncovered_steps")))
                    .as("strata_steps"))
            .orderBy(Fields.STUDENT, Fields.TEACHER)
            .collectAsList()) {
      long n = r.getAs("n");
      long known = r.getAs("known");
      Double squares = r.getAs("squares");
      Long stratified = r.getAs("strata_steps");
      out.add(
          new SamplingError(
              r.getAs(Fields.STUDENT),
              r.getAs(Fields.TEACHER),
              estimator.key(),
              m,
              n,
              r.<Long>getAs("sampled"),
              known,
              known == 0 ? null : Math.sqrt(squares * n / known) / n,
              stratified == null || stratified == 0
                  ? null
                  : r.<Long>getAs("covered") / (double) stratified,
              r.getAs("mean"),
              null));
    }
    return out;
  }

  /** Each student's teachers ranked by mean LALP, with the tiers sampling lets it order. */
  private static List<SamplingError> withTiers(List<SamplingError> errors) {
    Map<String, List<SamplingError>> byStudent = new TreeMap<>();
    for (SamplingError e : errors) {
      byStudent.computeIfAbsent(e.student(), k -> new ArrayList<>()).add(e);
    }
    List<SamplingError> out = new ArrayList<>();
    for (List<SamplingError> teachers : byStudent.values()) {
      teachers.sort(
          Comparator.comparing(SamplingError::mean, Comparator.reverseOrder())
              .thenComparing(SamplingError::teacher));
      int[] tiers =
          SamplingTiers.tiers(
              teachers.stream().mapToDouble(SamplingError::mean).toArray(),
              teachers.stream().map(SamplingError::standardError).toArray(Double[]::new));
      for (int i = 0; i < tiers.length; i++) {
        SamplingError e = teachers.get(i);
        out.add(
            new SamplingError(
                e.student(),
                e.teacher(),
                e.estimator(),
                e.sampleSteps(),
                e.responses(),
                e.sampled(),
                e.estimated(),
                e.standardError(),
                e.coveredShare(),
                e.mean(),
                tiers[i]));
      }
    }
    return out;
  }

  private static JsonNode summaryOf(String run, Configuration hadoop) throws IOException {
    Path summary = new Path(run, Outputs.SUMMARY);
    try (InputStream in = summary.getFileSystem(hadoop).open(summary)) {
      return new ObjectMapper().readTree(in);
    }
  }

  /**
   * From the run in {@code previousRun} (its scores/, read as it wrote them), when it sampled with
   * the same estimator; otherwise none, and why.
   */
  static Expected fromPreviousRun(
      SparkSession spark,
      String previousRun,
      int m,
      SampleEstimator estimator,
      Configuration hadoop) {
    try {
      JsonNode node = summaryOf(previousRun, hadoop);
      JsonNode scoring = node.path("config").path("scoring");
      int before = scoring.path("sample-steps").asInt(0);
      SampleEstimator was =
          SampleEstimator.of(scoring.path("sample-estimator").asText(SampleEstimator.PLAIN.key()));
      if (before == 0) {
        return new Expected(
            List.of(), previousRun + " scored every step: no sampling error to scale");
      }
      if (was != estimator) {
        return new Expected(
            List.of(),
            previousRun + " sampled with the " + was.key() + " estimator, not " + estimator.key());
      }
      OutputFormat format =
          OutputFormat.of(node.path("config").path("output").path("format").asText("parquet"));
      String scores = new Path(previousRun, "scores").toString();
      Dataset<Row> table =
          format == OutputFormat.JSON ? spark.read().json(scores) : spark.read().parquet(scores);
      if (!Arrays.asList(table.columns()).contains(Fields.LALP_STRATA)) {
        return new Expected(
            List.of(),
            previousRun + " has no strata in scores/ (written by an earlier version): run once");
      }
      return new Expected(
          at(table, m, estimator),
          "scaled from " + previousRun + " (" + was.key() + " estimator, m = " + before + ")");
    } catch (Exception e) { // Spark's AnalysisException is checked, though nothing declares it
      return new Expected(
          List.of(),
          "no previous run to scale from at "
              + previousRun
              + ": "
              + Messages.firstLine(String.valueOf(e.getMessage())));
    }
  }

  /**
   * The plan with each teacher's expected sampling error at this run's m, scaled from the previous
   * run (plan.previous-summary's, else output.path's).
   */
  static CostPlan expectedIn(
      CostPlan cost,
      ScoringTask task,
      Settings.Job settings,
      SparkSession spark,
      Configuration hadoop) {
    String previous =
        settings.plan().previousSummary().isEmpty()
            ? settings.output().path()
            : new Path(settings.plan().previousSummary()).getParent().toString();
    Expected expected =
        fromPreviousRun(
            spark,
            previous,
            task.student().definition().sampleSteps(),
            task.student().definition().estimator(),
            hadoop);
    return cost.withSampling(
        expected.errors().stream().filter(e -> e.student().equals(cost.student())).toList(),
        expected.source());
  }

  /** With sampled steps, the standard error sampling adds to each teacher's mean LALP. */
  static List<SamplingError> forRun(Dataset<Row> scores, Settings.Scoring s) {
    if (s.sampleSteps() == 0 || !s.metrics().contains(Metric.LALP)) {
      return List.of();
    }
    return withTiers(at(scores, s.sampleSteps(), s.sampleEstimator()));
  }
}
