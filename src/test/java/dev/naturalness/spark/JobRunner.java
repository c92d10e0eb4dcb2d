package dev.naturalness.spark;

import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** Runs the whole pipeline on a test session, the way NaturalnessJob.run does after its checks. */
final class JobRunner {
  private JobRunner() {}

  static Pipeline.Result run(SparkSession spark, Path input, Path output, String... sets) {
    return NaturalnessJob.runOn(spark, JobArgs.demo(input, output).sets(sets).settings());
  }

  static Pipeline.Result run(SparkSession spark, JobArgs args) {
    return NaturalnessJob.runOn(spark, args.settings());
  }
}
