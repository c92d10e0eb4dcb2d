package dev.naturalness.spark;

import dev.naturalness.DemoStudent;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.config.Settings;
import dev.naturalness.config.SettingsLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Runs the whole pipeline on a test session, the way NaturalnessJob.run does after its checks. */
final class JobRunner {
  private JobRunner() {}

  static Pipeline.Result run(SparkSession spark, Path input, Path output, String... sets) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--set", "input.path=" + input,
                "--set", "output.path=" + output,
                "--set", "student.path=" + DemoStudent.DIR,
                "--set", "teachers.bootstrap-samples=200",
                "--set", "progress.interval-seconds=0.5"));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    Settings.Job settings = SettingsLoader.fromArgs(args.toArray(new String[0]));
    return NaturalnessJob.runOn(spark, settings);
  }
}
