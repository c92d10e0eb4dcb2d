package dev.naturalness.config;

import dev.naturalness.scoring.WindowRule;
import java.io.Serializable;
import java.util.List;

/** The job's typed settings, one record per config section. */
public final class Settings {
  private Settings() {}

  /** Input column names, keyed by the field they hold. */
  public record Columns(String promptId, String prompt, String teacher, String response,
      String responseId, String correct, String steps) implements Serializable {
    /** (config key suffix, column) for the four required text fields. */
    public List<String[]> required() {
      return List.of(new String[] {"prompt_id", promptId}, new String[] {"prompt", prompt},
          new String[] {"teacher", teacher}, new String[] {"response", response});
    }
  }

  public record Input(String path, String format, Columns columns) implements Serializable {}

  public record Output(String path, String format, boolean stepScores) implements Serializable {}

  public record Student(String path, int maxTokens, String device, int threads) implements Serializable {}

  public record Scoring(String segmenter, WindowRule window, boolean includePrompt, boolean lalp, boolean galp,
      int batchTokens, int rowTokens, boolean pack, int responsesPerGroup) implements Serializable {}

  public record Select(int topK, boolean requireCorrect) implements Serializable {}

  public record Teachers(int bootstrapSamples, long seed) implements Serializable {}

  public record Partition(long tokensPerPartition, int minPartitions) implements Serializable {}

  public record Progress(double intervalSeconds) implements Serializable {}

  public record Testing(boolean failFirstAttempt) implements Serializable {}

  public record Spark(String appName, String defaultMaster) implements Serializable {}

  /** Everything, plus the resolved config as JSON (for summary.json). */
  public record Job(Input input, Output output, Student student, Scoring scoring, Select select,
      Teachers teachers, Partition partition, Progress progress, Spark spark, Testing testing, String resolvedJson) implements Serializable {}
}
