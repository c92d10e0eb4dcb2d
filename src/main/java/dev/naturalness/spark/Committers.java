package dev.naturalness.spark;

import dev.naturalness.config.Settings;
import org.apache.spark.sql.SparkSession;

/**
 * Tables under s3a:// are committed by S3A's committer (magic or directory: nothing is visible
 * until the job commits), through spark-hadoop-cloud's PathOutputCommitProtocol.
 */
final class Committers {
  private static final String[][] SQL_SETTINGS = {
    {
      "spark.sql.sources.commitProtocolClass",
      "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol"
    },
    {
      "spark.sql.parquet.output.committer.class",
      "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter"
    }
  };

  private Committers() {}

  static void use(SparkSession spark, Settings.Job settings) {
    boolean s3 =
        settings.output().path().startsWith("s3a://") && !settings.s3().committer().equals("none");
    for (String[] kv : SQL_SETTINGS) {
      if (s3) {
        spark.conf().set(kv[0], kv[1]);
      } else if (kv[1].equals(spark.conf().get(kv[0], null))) {
        spark.conf().unset(kv[0]);
      }
    }
  }
}
