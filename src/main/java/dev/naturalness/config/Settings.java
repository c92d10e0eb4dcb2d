package dev.naturalness.config;

import dev.naturalness.scoring.WindowRule;
import java.io.Serializable;
import java.util.List;

/** The job's typed settings, one record per config section. */
public final class Settings {
  private Settings() {}

  /** Input column names, keyed by the field they hold. */
  public record Columns(
      String promptId,
      String prompt,
      String teacher,
      String response,
      String responseId,
      String correct,
      String steps)
      implements Serializable {
    /** (config key suffix, column) for the four required text fields. */
    public List<String[]> required() {
      return List.of(
          new String[] {"prompt_id", promptId},
          new String[] {"prompt", prompt},
          new String[] {"teacher", teacher},
          new String[] {"response", response});
    }
  }

  public record Input(String path, String format, Columns columns) implements Serializable {}

  public record Output(String path, String format, boolean stepScores, String publishPointer)
      implements Serializable {}

  public record Student(String path, int maxTokens, String device, int threads)
      implements Serializable {}

  public record Scoring(
      String segmenter,
      WindowRule window,
      boolean includePrompt,
      boolean lalp,
      boolean galp,
      int batchTokens,
      int rowTokens,
      boolean pack,
      int responsesPerGroup)
      implements Serializable {}

  public record Select(int topK, boolean requireCorrect) implements Serializable {}

  public record Teachers(int bootstrapSamples, long seed) implements Serializable {}

  public record Partition(long tokensPerPartition, int minPartitions) implements Serializable {}

  public record Progress(double intervalSeconds) implements Serializable {}

  /** {@code cache}: where scores are kept between runs; empty = off. */
  public record Incremental(String cache) implements Serializable {}

  /** S3A settings; {@link #toString()} never shows the keys. */
  public record S3(
      String endpoint,
      String region,
      boolean pathStyleAccess,
      String accessKey,
      String secretKey,
      String committer)
      implements Serializable {

    /** Hadoop settings for S3A (empty values are left to S3A's defaults and providers). */
    public java.util.Map<String, String> hadoopSettings() {
      java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
      if (!endpoint.isEmpty()) {
        m.put("fs.s3a.endpoint", endpoint);
        m.put("fs.s3a.connection.ssl.enabled", String.valueOf(!endpoint.startsWith("http://")));
      }
      if (!region.isEmpty()) {
        m.put("fs.s3a.endpoint.region", region);
      }
      m.put("fs.s3a.path.style.access", String.valueOf(pathStyleAccess));
      if (accessKey != null && secretKey != null) {
        m.put(
            "fs.s3a.aws.credentials.provider",
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        m.put("fs.s3a.access.key", accessKey);
        m.put("fs.s3a.secret.key", secretKey);
      }
      if (!committer.equals("none")) {
        m.put("fs.s3a.committer.name", committer);
        m.put("fs.s3a.committer.magic.enabled", String.valueOf(committer.equals("magic")));
        m.put("fs.s3a.committer.staging.conflict-mode", "append");
        m.put("fs.s3a.committer.abort.pending.uploads", "true");
      }
      return m;
    }

    public void applyTo(org.apache.hadoop.conf.Configuration hadoop) {
      hadoopSettings().forEach(hadoop::set);
    }

    @Override
    public String toString() {
      return "S3[endpoint="
          + endpoint
          + ", region="
          + region
          + ", pathStyleAccess="
          + pathStyleAccess
          + ", keys="
          + (accessKey == null ? "from providers" : "***")
          + ", committer="
          + committer
          + "]";
    }
  }

  public record Testing(boolean failFirstAttempt, boolean failEveryAttempt)
      implements Serializable {}

  public record Spark(String appName, String defaultMaster) implements Serializable {}

  /** Everything, plus the resolved config as JSON (for summary.json). */
  public record Job(
      Input input,
      Output output,
      Student student,
      Scoring scoring,
      Select select,
      Teachers teachers,
      Partition partition,
      Progress progress,
      Incremental incremental,
      S3 s3,
      Spark spark,
      Testing testing,
      String resolvedJson)
      implements Serializable {}
}
