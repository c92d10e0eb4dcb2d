package dev.naturalness.spark;

import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

  /**
   * The job run in this JVM as the command line runs it: its exit code and what it wrote to stderr.
   */
  record Exit(int code, String stderr) {}

  static Exit exit(JobArgs args) {
    PrintStream before = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return new Exit(NaturalnessJob.run(args.toArray()), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(before);
    }
  }
}
