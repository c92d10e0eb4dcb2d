package dev.naturalness.spark;

import dev.naturalness.config.Settings;
import dev.naturalness.output.JobFailure;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring stage of a run: each student in turn (one Spark stage each, so that one student at a
 * time is resident), partitioned by its plan, its tasks committing to the run's work area, its
 * progress told as it goes; with sampled steps, the standard errors pooled over the run.
 */
final class StudentScoring {
  private static final Logger LOG = LoggerFactory.getLogger(StudentScoring.class);

  private final SparkSession spark;
  private final Settings.Job settings;
  private final Stages stages;
  private final RunCache cache;

  StudentScoring(SparkSession spark, Settings.Job settings, Stages stages, RunCache cache) {
    this.spark = spark;
    this.settings = settings;
    this.stages = stages;
    this.cache = cache;
  }

  /** Every student in turn, one Spark stage each. */
  Pipeline.Scored score(Pipeline.Corpus corpus, List<Pipeline.Planned> planned) {
    List<Dataset<Row>> perStudent = new ArrayList<>();
    int partitions = 0;
    double seconds = 0;
    long runTokens = planned.stream().mapToLong(p -> p.plan().totals().modelTokens()).sum();
    long tokensBefore = 0;
    for (Pipeline.Planned p : planned) {
      ProgressReporter.Position at =
          new ProgressReporter.Position(
              p.task().student().name(),
              perStudent.size() + 1,
              planned.size(),
              tokensBefore,
              runTokens);
      tokensBefore += p.plan().totals().modelTokens();
      TokenPartitioning.Plan cut =
          TokenPartitioning.plan(
              p.plan().partitionWeights(),
              p.plan().totals().rows(),
              settings.partition().tokensPerPartition(),
              settings.partition().minPartitions() > 0
                  ? settings.partition().minPartitions()
                  : spark.sparkContext().defaultParallelism());
      partitions = Math.max(partitions, cut.partitions());
      long t = System.nanoTime();
      perStudent.add(stages.run("score", () -> scoreStudent(p, cut, corpus.counts().rows(), at)));
      seconds += (System.nanoTime() - t) / 1e9;
    }
    Dataset<Row> scores = perStudent.get(0);
    for (Dataset<Row> more : perStudent.subList(1, perStudent.size())) {
      scores = scores.unionByName(more);
    }
    if (settings.scoring().sampleSteps() > 0) {
      Dataset<Row> sampled = scores;
      scores =
          stages.run(
              "sampling error",
              () ->
                  stages.keep(
                      SamplingErrors.withPooledErrors(sampled, SamplingErrors.pools(sampled))));
    }
    return new Pipeline.Scored(scores, partitions, seconds);
  }

  private Dataset<Row> scoreStudent(
      Pipeline.Planned p, TokenPartitioning.Plan cut, long total, ProgressReporter.Position at) {
    LOG.info(
        "scoring with student {} in {} partitions of about {} planned model tokens",
        p.task().student().name(),
        cut.partitions(),
        Math.round(cut.tokensPerPartition()));
    JavaRDD<Row> partitioned =
        TokenPartitioning.partition(p.rows(), cut, new RowCost(p.task(), p.rows().schema()));
    ScoreCounters counters = ScoreCounters.register(spark);
    try (ProgressReporter progress =
        new ProgressReporter(
            spark,
            counters,
            total,
            p.plan().totals().modelTokens(),
            at,
            settings.progress().intervalSeconds())) {
      Dataset<Row> scores =
          stages.keep(
              ScoreStage.scoreResponses(
                  spark,
                  partitioned,
                  p.rows().schema(),
                  p.task(),
                  counters,
                  cache.target(at.index() - 1)));
      long scored = scores.count();
      if (scored != total) {
        throw new JobFailure(
            "scored " + scored + " rows of " + total + " read; nothing was published");
      }
      LOG.info("scoring done: " + progress.line().substring("progress: ".length()));
      return scores;
    }
  }
}
