package dev.naturalness.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.data.RowStatus;
import dev.naturalness.model.StudentSpec;
import dev.naturalness.output.ResumeArea;
import dev.naturalness.report.RunSummary;
import dev.naturalness.stats.ErrorModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * scoring.exact-check-share: a seeded share of prompts scored exactly as well as sampled, in the
 * same run. Their errors (sampled LALP - exact, in standard errors) fit the {@link ErrorModel} the
 * selection's certainty uses, and their picks, sampled against exact, say how often a pick of the
 * run's certainty is right: overall and per bin of certainty (the report's reliability diagram).
 */
final class ExactCheck {
  private static final Logger LOG = LoggerFactory.getLogger(ExactCheck.class);

  /** The hash's salt: the same prompts are checked in every run of a corpus. */
  private static final String SALT = "naturalness-exact-check";

  private static final long BUCKETS = 1_000_000L;

  /**
   * The errors the model is fit to, at most (hash-ordered): a three-component mixture is pinned
   * long before, and the driver holds them.
   */
  static final int MAX_ERRORS = 200_000;

  /** The column of the checked rows' exact LALP. */
  static final String LALP_EXACT = "lalp_exact";

  /**
   * The checked rows' exact LALP (student, prompt_id, response_id, lalp_exact), and the error model
   * their sampled scores' errors fit.
   */
  record Result(Dataset<Row> exact, ErrorModel errors, long errorsMeasured) {
    static final Result NONE = new Result(null, ErrorModel.STATED, 0);
  }

  private ExactCheck() {}

  /** Whether a row's prompt is checked: a seeded hash of its id below the share. */
  static Column checked(double share) {
    return pmod(xxhash64(lit(SALT), col(Fields.PROMPT_ID)), lit(BUCKETS))
        .lt(lit(Math.round(share * BUCKETS)));
  }

  /**
   * Scores the checked rows exactly with each student (a Spark stage each) and fits the error model
   * to the sampled scores' errors against them.
   *
   * @param sampled the run's scores (every student's)
   * @param targets where the {@code i}-th student's check tasks write
   */
  static Result score(
      SparkSession spark,
      Stages stages,
      Dataset<Row> canonical,
      List<ScoringTask> tasks,
      Dataset<Row> sampled,
      Settings.Job settings,
      IntFunction<ResumeArea.Target> targets) {
    Dataset<Row> rows =
        stages.keep(canonical.filter(checked(settings.scoring().exactCheckShare())));
    Dataset<Row> exact = null;
    for (int i = 0; i < tasks.size(); i++) {
      ScoringTask task = exactly(tasks.get(i));
      PlanStage.Planned plan = PlanStage.plan(rows, task);
      TokenPartitioning.Plan cut =
          TokenPartitioning.plan(
              plan.partitionWeights(),
              plan.totals().rows(),
              settings.partition().tokensPerPartition(),
              Math.max(1, settings.partition().minPartitions()));
      JavaRDD<Row> partitioned =
          TokenPartitioning.partition(rows, cut, new RowCost(task, rows.schema()));
      Dataset<Row> scores =
          ScoreStage.scoreResponses(
                  spark,
                  partitioned,
                  rows.schema(),
                  task,
                  ScoreCounters.register(spark),
                  targets.apply(i))
              .filter(
                  col(Fields.STATUS).equalTo(RowStatus.OK.code()).and(col(Fields.LALP).isNotNull()))
              .select(
                  col(Fields.STUDENT),
                  col(Fields.PROMPT_ID),
                  col(Fields.RESPONSE_ID),
                  col(Fields.LALP).as(LALP_EXACT));
      exact = exact == null ? scores : exact.unionByName(scores);
    }
    Dataset<Row> kept = stages.keep(exact);
    double[] z = standardisedErrors(sampled, kept);
    ErrorModel errors = ErrorModel.fit(z);
    LOG.info(
        "exact check: {} sampled responses measured against exact scores; their errors, in"
            + " standard errors, {}",
        z.length,
        errors.stated()
            ? "are taken as stated (fewer than " + ErrorModel.MIN_CHECKED + " to fit)"
            : "fit " + errors);
    return new Result(kept, errors, z.length);
  }

  /** The student's task with every step scored. */
  private static ScoringTask exactly(ScoringTask task) {
    StudentSpec s = task.student();
    StudentSpec exact =
        new StudentSpec(
            s.name(),
            s.source(),
            s.kind(),
            s.location(),
            s.files(),
            s.fingerprint(),
            s.modelSha256(),
            s.definition().withSampleSteps(0));
    return new ScoringTask(
        exact, task.batching(), task.studentSettings(), task.hadoop(), task.testing());
  }

  /** (sampled - exact) / se of the checked responses sampling left an error on. */
  private static double[] standardisedErrors(Dataset<Row> sampled, Dataset<Row> exact) {
    List<Row> rows =
        sampled
            .filter(col(Fields.LALP_SE).gt(0))
            .select(
                col(Fields.STUDENT), col(Fields.RESPONSE_ID), col(Fields.LALP), col(Fields.LALP_SE))
            .join(
                exact.drop(Fields.PROMPT_ID),
                List.of(Fields.STUDENT, Fields.RESPONSE_ID).toArray(new String[0]))
            .orderBy(xxhash64(col(Fields.RESPONSE_ID)), col(Fields.RESPONSE_ID))
            .limit(MAX_ERRORS)
            .select(col(Fields.LALP).minus(col(LALP_EXACT)).divide(col(Fields.LALP_SE)).as("z"))
            .collectAsList();
    double[] z = new double[rows.size()];
    for (int i = 0; i < z.length; i++) {
      z[i] = rows.get(i).<Double>getAs("z");
    }
    return z;
  }

  /**
   * Per student, its checked prompts' picks against exact's: the prompts whose every candidate was
   * scored exactly, the share whose first pick is the candidate with the highest exact LALP (ties
   * to the smaller response_id, as the selection breaks them), and their certainty, per bin.
   */
  static Map<String, RunSummary.ExactCheck> agreement(
      Dataset<Row> selected, Dataset<Row> scores, Result check, Settings.Select select) {
    Map<String, RunSummary.ExactCheck> out = new HashMap<>();
    if (check.exact() == null) {
      return out;
    }
    Dataset<Row> candidates =
        scores
            .filter(SelectStage.candidate(select))
            .select(col(Fields.STUDENT), col(Fields.PROMPT_ID), col(Fields.RESPONSE_ID))
            .join(
                check.exact().drop(Fields.PROMPT_ID),
                List.of(Fields.STUDENT, Fields.RESPONSE_ID).toArray(new String[0]),
                "left");
    Dataset<Row> exactPicks =
        candidates
            .withColumn(
                "_all", count(lit(1)).over(Window.partitionBy(Fields.STUDENT, Fields.PROMPT_ID)))
            .withColumn(
                "_checked",
                count(col(LALP_EXACT)).over(Window.partitionBy(Fields.STUDENT, Fields.PROMPT_ID)))
            .withColumn(
                "_rank",
                row_number()
                    .over(
                        Window.partitionBy(Fields.STUDENT, Fields.PROMPT_ID)
                            .orderBy(col(LALP_EXACT).desc_nulls_last(), col(Fields.RESPONSE_ID))))
            .filter(col("_rank").equalTo(1).and(col("_all").equalTo(col("_checked"))))
            .select(
                col(Fields.STUDENT),
                col(Fields.PROMPT_ID),
                col(Fields.RESPONSE_ID).as("_exact_pick"));
    Column certainty = col(Fields.SELECTION_CERTAINTY);
    List<Row> bins =
        selected
            .filter(col(Fields.SELECTION_RANK).equalTo(1).and(certainty.isNotNull()))
            .select(col(Fields.STUDENT), col(Fields.PROMPT_ID), col(Fields.RESPONSE_ID), certainty)
            .join(exactPicks, List.of(Fields.STUDENT, Fields.PROMPT_ID).toArray(new String[0]))
            .withColumn("_bin", least(floor(certainty.multiply(5)), lit(4)))
            .groupBy(col(Fields.STUDENT), col("_bin"))
            .agg(
                count(lit(1)).as("prompts"),
                avg(certainty).as("certainty"),
                avg(when(col(Fields.RESPONSE_ID).equalTo(col("_exact_pick")), 1.0).otherwise(0.0))
                    .as("agreement"))
            .collectAsList();
    Map<String, TreeMap<Long, Row>> byStudent = new TreeMap<>();
    for (Row r : bins) {
      byStudent
          .computeIfAbsent(r.getAs(Fields.STUDENT), k -> new TreeMap<>())
          .put(r.<Long>getAs("_bin"), r);
    }
    String errors = check.errors().toString();
    byStudent.forEach((student, rows) -> out.put(student, figures(rows, errors)));
    return out;
  }

  private static RunSummary.ExactCheck figures(TreeMap<Long, Row> rows, String errors) {
    List<RunSummary.Bin> bins = new ArrayList<>();
    long prompts = 0;
    double certainty = 0;
    double agreement = 0;
    for (Map.Entry<Long, Row> e : rows.entrySet()) {
      Row r = e.getValue();
      long n = r.<Long>getAs("prompts");
      double c = r.<Double>getAs("certainty");
      double a = r.<Double>getAs("agreement");
      bins.add(new RunSummary.Bin(e.getKey() / 5.0, (e.getKey() + 1) / 5.0, n, c, a));
      prompts += n;
      certainty += c * n;
      agreement += a * n;
    }
    return new RunSummary.ExactCheck(
        prompts, agreement / prompts, certainty / prompts, errors, List.copyOf(bins));
  }
}
