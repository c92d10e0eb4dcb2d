package dev.naturalness.config;

import dev.naturalness.data.Metric;
import dev.naturalness.scoring.WindowRule;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
      String steps,
      String stepEnds)
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

  /**
   * @param paths the student directories (local, file:, or any Hadoop path), in ranking order
   * @param maxTokens bound on every sequence the model sees; 0 = each student's own
   * @param localCache where executors keep local copies of students that live elsewhere
   * @param check load each student on the driver and run it on a few tokens before Spark starts
   */
  public record Student(
      List<String> paths,
      int maxTokens,
      String device,
      int threads,
      String localCache,
      boolean check)
      implements Serializable {}

  /**
   * {@code scoring.batch.max-tokens}: a number of tokens, or {@code auto} (resolved where the
   * student runs).
   */
  public sealed interface BatchSize extends Serializable {
    /** 4096 tokens on a CPU; on a GPU, what half its free memory after loading holds. */
    record Auto() implements BatchSize {}

    record Fixed(int tokens) implements BatchSize {}
  }

  /**
   * @param segmenter where steps come from (paragraph, line, sentence, column, step-ends)
   * @param windows the LALP windows; the first is the ranking default
   * @param sampleSteps score a sample of this many steps of longer responses; 0 = every step
   * @param maxModelErrorShare the run fails when a larger share of the rows it scores are
   *     model_error
   * @param batching how executors batch the work (changes no score)
   */
  public record Scoring(
      String segmenter,
      List<WindowRule> windows,
      boolean includePrompt,
      Set<Metric> metrics,
      int sampleSteps,
      double maxModelErrorShare,
      Batching batching)
      implements Serializable {}

  /**
   * How an executor batches its work: exact either way, so none of it is in a score's definition.
   *
   * @param rowTokens the row length short sequences are packed into
   * @param responsesPerGroup responses of a partition planned and packed together
   */
  public record Batching(BatchSize batch, int rowTokens, boolean pack, int responsesPerGroup)
      implements Serializable {}

  public record Select(int topK, boolean requireCorrect) implements Serializable {}

  public record Teachers(int bootstrapSamples, long seed) implements Serializable {}

  public record Partition(long tokensPerPartition, int minPartitions) implements Serializable {}

  public record Progress(double intervalSeconds) implements Serializable {}

  /** {@code cache}: where scores are kept between runs; empty = off. */
  public record Incremental(String cache) implements Serializable {}

  /**
   * @param only read, tokenize and plan the corpus, write plan.json, never load a model
   * @param tokensPerSecond the model tokens/s the GPU-hours estimate assumes; 0 = a previous run's
   * @param previousSummary a summary.json whose measured tokens/s to use; empty = output.path's
   */
  public record Plan(boolean only, double tokensPerSecond, String previousSummary)
      implements Serializable {}

  /** S3A settings; {@link #toString()} never shows the keys. */
  public record S3(
      String endpoint,
      String region,
      boolean pathStyleAccess,
      String accessKey,
      String secretKey,
      String credentialProviders,
      String committer,
      int preflightTimeoutSeconds)
      implements Serializable {

    /** Hadoop settings for S3A (empty values are left to S3A's defaults and providers). */
    public Map<String, String> hadoopSettings() {
      Map<String, String> m = new LinkedHashMap<>();
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
      if (!credentialProviders.isEmpty()) {
        // Hadoop's credential providers (e.g. a jceks file): S3A looks its keys up there.
        m.put("hadoop.security.credential.provider.path", credentialProviders);
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
          + ", credentialProviders="
          + credentialProviders
          + ", committer="
          + committer
          + "]";
    }
  }

  /**
   * @param failBeforePublish the run stops with a failure after its report, just before it
   *     publishes (as a run killed there would)
   */
  public record Testing(
      boolean failFirstAttempt, boolean failEveryAttempt, boolean failBeforePublish)
      implements Serializable {}

  /**
   * @param eventLog where Spark writes its event log (spark.eventLog.dir); empty = off
   */
  public record Spark(String appName, String defaultMaster, String eventLog)
      implements Serializable {}

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
      Plan plan,
      S3 s3,
      Spark spark,
      Testing testing,
      String resolvedJson)
      implements Serializable {}
}
