package dev.naturalness.output;

import dev.naturalness.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tables under s3a:// are committed by S3A's committer (magic or directory: nothing is visible
 * until the job commits), through spark-hadoop-cloud's PathOutputCommitProtocol; elsewhere Spark's
 * own committer writes them.
 */
public final class Committers {
  private static final Map<String, String> S3A =
      Map.of(
          "spark.sql.sources.commitProtocolClass",
          "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
          "spark.sql.parquet.output.committer.class",
          "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter");

  private Committers() {}

  /**
   * The SQL settings a run's tables need: S3A's committer for an s3a:// output, else each of them
   * unset (a null value), so that a session reused across runs does not keep the last one's.
   */
  public static Map<String, String> settings(Settings.Job settings) {
    boolean s3 =
        settings.output().path().startsWith("s3a://") && !settings.s3().committer().equals("none");
    Map<String, String> out = new LinkedHashMap<>();
    S3A.forEach((key, value) -> out.put(key, s3 ? value : null));
    return out;
  }
}
