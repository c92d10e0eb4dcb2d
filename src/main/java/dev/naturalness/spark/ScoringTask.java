package dev.naturalness.spark;

import dev.naturalness.config.Settings;
import dev.naturalness.model.StudentSpec;
import java.io.Serializable;
import java.util.Map;

/**
 * What an executor needs to score with one student: settings records only (never a Config),
 * resolved on the driver.
 *
 * @param hadoop the Hadoop settings executors read students from Hadoop paths with (S3A's)
 */
public record ScoringTask(
    StudentSpec student,
    Settings.Batching batching,
    Settings.Student studentSettings,
    Map<String, String> hadoop,
    Settings.Testing testing)
    implements Serializable {

  /** The task of one student, from the run's settings: the one place they are picked. */
  public static ScoringTask of(Settings.Job settings, StudentSpec student) {
    return new ScoringTask(
        student,
        settings.scoring().batching(),
        settings.student(),
        settings.s3().hadoopSettings(),
        settings.testing());
  }
}
