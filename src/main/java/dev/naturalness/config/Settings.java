package dev.naturalness.config;

import dev.naturalness.data.Metric;
import dev.naturalness.data.RowFlag;
import dev.naturalness.export.ExportFormat;
import dev.naturalness.scoring.SampleEstimator;
import dev.naturalness.scoring.WindowRule;
import dev.naturalness.text.MarkerRewrite;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/** The job's typed settings, one record per config section. */
public final class Settings {
  private Settings() {}

  /** How the corpus holds its responses ({@code input.shape}). */
  public enum Shape {
    /** One row per response: prompt_id, prompt, teacher, response columns. */
    FLAT,
    /** A chat list of {role, content}; the last assistant turn is the response. */
    MESSAGES,
    /**
     * A ShareGPT list of {from, value} (human, user, gpt, assistant, system), and a system column.
     */
    CONVERSATIONS,
    /** A list of responses to one prompt in one row, with aligned lists of labels. */
    GENERATIONS,
    /** Several teachers' responses in columns of one row (input.teachers). */
    WIDE;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Input column names, keyed by the field they hold.
   *
   * @param response the response's column, or several joined by input.response-template
   * @param complete whether the response's reasoning is complete (boolean; empty: none)
   * @param finishReason why the generation stopped ("length": cut off; empty: none)
   * @param teacherFamily the teacher's model family (empty: none, or input.teacher-families)
   */
  public record Columns(
      String promptId,
      String prompt,
      String teacher,
      List<String> response,
      String responseId,
      String correct,
      String steps,
      String stepEnds,
      String messages,
      String conversations,
      String system,
      String generations,
      String complete,
      String finishReason,
      String teacherFamily)
      implements Serializable {}

  /**
   * Shape generations: the aligned list columns that label each generation.
   *
   * @param correct lists that say whether each generation is correct, combined by {@code
   *     correctRule}: any (true when one list says true), all, or first (the first list that knows)
   * @param complete a list saying whether each generation's reasoning is complete
   * @param finishReasons a list of each generation's finish reason
   */
  public record Generations(
      List<String> correct, String correctRule, String complete, String finishReasons)
      implements Serializable {}

  /**
   * Shape wide: one entry's response column(s), its optional label column, the teacher its
   * responses are scored under (its name, unless several entries are one teacher's samples), and
   * the template that joins its columns (its own, else input.response-template; empty: joined as
   * they are).
   */
  public record WideTeacher(
      List<String> response, String correct, String teacher, String responseTemplate)
      implements Serializable {}

  /**
   * @param teacher a teacher name for every row (when no column holds it); empty: the column's
   * @param responseTemplate how a response given as several columns is joined, with {name}
   *     placeholders filled by the columns in order; empty: the columns joined as they are
   * @param teachers shape wide: the teachers in order, by name
   * @param teacherFamilies teacher name to model family
   * @param thinkMarkers a corpus's reasoning markers and what each is rewritten to in every
   *     response (and given step) before it is scored; empty: the texts as given
   */
  public record Input(
      String path,
      String format,
      Shape shape,
      Columns columns,
      String teacher,
      String responseTemplate,
      Generations generations,
      Map<String, WideTeacher> teachers,
      Map<String, String> teacherFamilies,
      Map<String, String> thinkMarkers)
      implements Serializable {

    /** Where the corpus's correctness labels would come from, as config names it. */
    public String correctSource() {
      return switch (shape) {
        case GENERATIONS -> "input.generations.correct = " + generations.correct();
        case WIDE -> "no input.teachers entry names a correct column";
        default -> "input.columns.correct = '" + columns.correct() + "'";
      };
    }

    /**
     * How the corpus gives its prompts and responses, as far as it changes what is scored: the
     * shape (a chat row's prompt is rendered from its turns) and a response template; empty for a
     * flat corpus with one response column (part of the score definition).
     */
    public String form() {
      List<String> parts = new ArrayList<>();
      if (shape != Shape.FLAT) {
        parts.add("shape=" + shape.key());
      }
      if (!responseTemplate.isEmpty()) {
        parts.add("response-template=" + responseTemplate);
      }
      teachers.forEach(
          (entry, t) -> {
            if (!t.responseTemplate().equals(responseTemplate)) {
              parts.add("response-template[" + entry + "]=" + t.responseTemplate());
            }
          });
      if (!thinkMarkers.isEmpty()) {
        parts.add("think-markers=" + MarkerRewrite.of(thinkMarkers).describe());
      }
      return String.join(";", parts);
    }

    /**
     * (config key, column) for the columns this shape cannot do without; prompt_id may be absent
     * (each prompt's id is then the sha256 of its rendered text).
     */
    public List<String[]> required() {
      List<String[]> out = new ArrayList<>();
      switch (shape) {
        case FLAT -> {
          out.add(new String[] {"input.columns.prompt", columns.prompt()});
          for (String r : columns.response()) {
            out.add(new String[] {"input.columns.response", r});
          }
        }
        case MESSAGES -> out.add(new String[] {"input.columns.messages", columns.messages()});
        case CONVERSATIONS ->
            out.add(new String[] {"input.columns.conversations", columns.conversations()});
        case GENERATIONS -> {
          out.add(new String[] {"input.columns.prompt", columns.prompt()});
          out.add(new String[] {"input.columns.generations", columns.generations()});
        }
        case WIDE -> out.add(new String[] {"input.columns.prompt", columns.prompt()});
        default -> throw new IllegalStateException(shape.toString());
      }
      if (teacher.isEmpty() && shape != Shape.WIDE) {
        out.add(new String[] {"input.columns.teacher", columns.teacher()});
      }
      return out;
    }
  }

  /**
   * @param format what the tables and exports are written as
   * @param export the training-data formats written from the selection, in order
   * @param exportTestShare the share of prompts held out as the exports' test split (0: none)
   * @param exportTestSeed what is hashed with each prompt_id to hold it out
   * @param exportLicense the license the exports' cards declare (empty: none)
   */
  public record Output(
      String path,
      OutputFormat format,
      boolean stepScores,
      String publishPointer,
      List<ExportFormat> export,
      double exportTestShare,
      long exportTestSeed,
      String exportLicense)
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
   * @param exactCheckShare with sampled steps, the share of prompts (chosen by a seeded hash of
   *     their ids) also scored exactly, to measure how the sampled scores err (0: none)
   */
  public record Scoring(
      String segmenter,
      List<WindowRule> windows,
      boolean includePrompt,
      Set<Metric> metrics,
      int sampleSteps,
      SampleEstimator sampleEstimator,
      double maxModelErrorShare,
      Batching batching,
      double exactCheckShare)
      implements Serializable {

    /** The windows a run reports LALP for (none when it computes no LALP), as written. */
    public List<String> reportedWindows() {
      return metrics.contains(Metric.LALP)
          ? windows.stream().map(WindowRule::spec).toList()
          : List.of();
    }
  }

  /**
   * How an executor batches its work: exact either way, so none of it is in a score's definition.
   *
   * @param rowTokens the row length short sequences are packed into
   * @param responsesPerGroup responses of a partition planned and packed together
   */
  public record Batching(BatchSize batch, int rowTokens, boolean pack, int responsesPerGroup)
      implements Serializable {}

  /**
   * @param require the checks a selected response must pass (select.require, without correct when
   *     select.require-correct is false)
   */
  public record Select(int topK, Set<RowFlag> require) implements Serializable {
    public boolean requireCorrect() {
      return require.contains(RowFlag.INCORRECT);
    }
  }

  public record Teachers(int bootstrapSamples, long seed) implements Serializable {}

  public record Partition(long tokensPerPartition, int minPartitions) implements Serializable {}

  /**
   * {@code progress}: how often the driver says where the run stands, and the file it keeps that
   * status in for an orchestrator to poll (empty = none).
   */
  public record Progress(double intervalSeconds, String statusFile) implements Serializable {}

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

    public void applyTo(Configuration hadoop) {
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
      implements Serializable {

    /**
     * The paths a driver reads or writes that are this machine's (no scheme), as {@code key value}:
     * those a driver on another node could not reach.
     */
    public List<String> localPaths() {
      List<String> out = new ArrayList<>();
      local(out, "input.path", List.of(input.path()));
      local(out, "output.path", List.of(output.path()));
      local(out, "output.publish-pointer", List.of(output.publishPointer()));
      local(out, "student.path", student.paths());
      local(out, "incremental.cache", List.of(incremental.cache()));
      local(out, "spark.event-log", List.of(spark.eventLog()));
      local(out, "progress.status-file", List.of(progress.statusFile()));
      local(out, "plan.previous-summary", List.of(plan.previousSummary()));
      return out;
    }

    private static void local(List<String> out, String key, List<String> paths) {
      for (String p : paths) {
        // A file: path is the user's word that every node has it (an image or a shared mount).
        if (!p.isBlank() && Paths.isPlainLocal(p)) {
          out.add(key + " " + p);
        }
      }
    }
  }
}
