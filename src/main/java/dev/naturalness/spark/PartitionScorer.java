package dev.naturalness.spark;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.naturalness.model.BatchBudget;
import dev.naturalness.model.DeviceChoice;
import dev.naturalness.model.RuntimeEnvironment;
import dev.naturalness.model.Student;
import dev.naturalness.model.StudentCache;
import dev.naturalness.scoring.ResponseScore;
import dev.naturalness.scoring.ResponseScorer;
import dev.naturalness.scoring.ScoringOptions;
import dev.naturalness.text.PreparedResponse;
import dev.naturalness.text.PromptTemplate;
import dev.naturalness.text.ResponsePreparer;
import dev.naturalness.text.Segmenter;
import dev.naturalness.text.TextException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one partition: rows sorted by estimated length (so batches are tight), taken in groups
 * whose planned sequences are packed together, with the JVM's one student for this device.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<Row>, Row> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PartitionScorer.class);
  private static final AtomicBoolean CPU_FALLBACK_LOGGED = new AtomicBoolean();

  private final ScoreContext context;
  private final ScoreStage.Counters counters;
  private final int promptId;
  private final int prompt;
  private final int teacher;
  private final int response;
  private final int responseId;
  private final int correct;
  private final int steps;
  private final int row;
  private final int duplicate;
  private final int problem;
  private final int estimate;
  private final int textSha;

  PartitionScorer(ScoreContext context, StructType canonical, ScoreStage.Counters counters) {
    this.context = context;
    this.counters = counters;
    this.promptId = canonical.fieldIndex(Fields.PROMPT_ID);
    this.prompt = canonical.fieldIndex(Fields.PROMPT);
    this.teacher = canonical.fieldIndex(Fields.TEACHER);
    this.response = canonical.fieldIndex(Fields.RESPONSE);
    this.responseId = canonical.fieldIndex(Fields.RESPONSE_ID);
    this.correct = canonical.fieldIndex(Fields.CORRECT);
    this.steps = canonical.fieldIndex(Fields.STEPS);
    this.row = canonical.fieldIndex(Fields.ROW);
    this.duplicate = canonical.fieldIndex(Fields.DUPLICATE);
    this.problem = canonical.fieldIndex(Fields.ROW_PROBLEM);
    this.estimate = canonical.fieldIndex(Fields.EST_TOKENS);
    this.textSha = canonical.fieldIndex(Fields.TEXT_SHA);
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    TaskContext task = TaskContext.get();
    if (context.failEveryAttempt() && task != null) {
      throw new IllegalStateException(
          "testing.fail-every-attempt: scoring task " + task.partitionId() + " fails");
    }
    if (context.failFirstAttempt() && task != null && task.attemptNumber() == 0) {
      throw new IllegalStateException(
          "testing.fail-first-attempt: scoring task "
              + task.partitionId()
              + " fails on its first attempt");
    }
    List<Row> rows = new ArrayList<>();
    input.forEachRemaining(rows::add);
    rows.sort(Comparator.comparingLong((Row r) -> r.getLong(estimate)).reversed());
    int group = context.scoring().responsesPerGroup();
    return new Iterator<>() {
      private int next;
      private Iterator<Row> current = List.<Row>of().iterator();
      private GroupScorer scorer;

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && next < rows.size()) {
          if (scorer == null) {
            scorer = new GroupScorer();
          }
          List<Row> slice = rows.subList(next, Math.min(rows.size(), next + group));
          next += slice.size();
          current = scorer.score(slice).iterator();
        }
        return current.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** The student and the scorer for one task, made when the first group needs them. */
  private final class GroupScorer {
    private ResponsePreparer preparer;
    private ResponseScorer scorer;

    List<Row> score(List<Row> group) {
      List<Row> out = new ArrayList<>(group.size());
      List<Row> scorable = new ArrayList<>();
      List<PreparedResponse> prepared = new ArrayList<>();
      for (Row r : group) {
        String status = rowProblem(r);
        if (status != null) {
          out.add(
              errorRow(
                  r,
                  status.substring(0, status.indexOf(' ')),
                  status.substring(status.indexOf(' ') + 1)));
          continue;
        }
        try {
          ensureStudent();
          List<String> given = r.isNullAt(steps) ? null : r.getList(steps);
          prepared.add(preparer.prepare(r.getString(prompt), r.getString(response), given));
          scorable.add(r);
        } catch (TextException e) {
          out.add(errorRow(r, e.code(), e.getMessage()));
        }
      }
      if (!prepared.isEmpty()) {
        List<ResponseScore> scores = scorer.score(prepared);
        long tokens = 0;
        for (int i = 0; i < scores.size(); i++) {
          ResponseScore s = scores.get(i);
          tokens += s.modelTokens();
          out.add(scoredRow(scorable.get(i), s));
        }
        counters.tokens().add(tokens);
      }
      counters.responses().add(group.size());
      return out;
    }

    private void ensureStudent() {
      if (scorer != null) {
        return;
      }
      Student student = student(context);
      String segmenter = context.segmenter();
      preparer =
          new ResponsePreparer(
              new PromptTemplate(student.manifest().promptTemplate()),
              segmenter.equals("column") ? null : Segmenter.named(segmenter),
              student.tokenizer(),
              student.manifest().bosId());
      scorer = new ResponseScorer(batchOptions(context, student), student.model());
    }
  }

  /** "code reason", or null when the row can be scored. */
  private String rowProblem(Row r) {
    if (!r.isNullAt(problem)) {
      return r.getString(problem); // bad_record or bad_correct, found while reading
    }
    if (r.getBoolean(duplicate)) {
      return Status.DUPLICATE
          + " response_id "
          + r.getString(responseId)
          + " already appears in an earlier row, which is scored";
    }
    for (int[] f : new int[][] {{promptId}, {teacher}}) {
      if (r.isNullAt(f[0]) || r.getString(f[0]).isBlank()) {
        return Status.MISSING_FIELD
            + " "
            + (f[0] == promptId ? Fields.PROMPT_ID : Fields.TEACHER)
            + " is null or empty";
      }
    }
    if (r.isNullAt(prompt)) {
      return Status.MISSING_FIELD + " prompt is null";
    }
    if (r.isNullAt(response)) {
      return Status.MISSING_FIELD + " response is null";
    }
    if (r.getString(response).isBlank()) {
      return Status.EMPTY_RESPONSE + " response is empty or only white space";
    }
    String bad = invalidText("prompt", r.getString(prompt));
    return bad != null ? bad : invalidText("response", r.getString(response));
  }

  /** U+FFFD (the bytes were not UTF-8) or a control character other than tab, newline, CR. */
  static String invalidText(String field, String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '\uFFFD') {
        return Status.INVALID_TEXT
            + " "
            + field
            + " holds U+FFFD at char "
            + i
            + ": the input was not valid UTF-8";
      }
      if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7F) {
        return Status.INVALID_TEXT
            + " "
            + field
            + String.format(Locale.ROOT, " holds control character U+%04X at char %d", (int) ch, i);
      }
    }
    return null;
  }

  private Row scoredRow(Row r, ResponseScore s) {
    String status = Status.OK;
    String error = null;
    if (!s.ok()) {
      status = Status.MODEL_ERROR;
      error = s.error();
    } else if (s.lalp() == null && s.galp() == null) {
      status = Status.UNSCORABLE;
      error =
          "no token of the response could be scored within student.max-tokens = "
              + context.options().maxTokens();
    }
    boolean ok = status.equals(Status.OK);
    return RowFactory.create(
        r.getString(responseId),
        r.getString(promptId),
        r.getString(teacher),
        ok ? s.lalp() : null,
        ok ? s.galp() : null,
        s.nTokens(),
        s.nSteps(),
        s.truncated(),
        status,
        error,
        ok && context.stepScores() ? boxed(s.stepScores()) : null,
        context.studentName(),
        context.configHash(),
        s.modelTokens(),
        r.isNullAt(correct) ? null : r.getBoolean(correct),
        r.getLong(row),
        r.getString(textSha),
        false);
  }

  private Row errorRow(Row r, String status, String error) {
    return RowFactory.create(
        r.getString(responseId),
        r.getString(promptId),
        r.getString(teacher),
        null,
        null,
        0,
        0,
        false,
        status,
        error,
        null,
        context.studentName(),
        context.configHash(),
        0L,
        r.isNullAt(correct) ? null : r.getBoolean(correct),
        r.getLong(row),
        r.getString(textSha),
        false);
  }

  private static Float[] boxed(float[] values) {
    Float[] out = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  /**
   * The scoring options with the batch budget resolved: {@code auto} on a GPU follows its free
   * memory.
   */
  static ScoringOptions batchOptions(ScoreContext context, Student student) {
    ScoringOptions options = context.options();
    if (context.scoring().batchTokens() > 0 || student.runtime().gpuFreeBytes() == 0) {
      return options;
    }
    return options.withBatch(
        BatchBudget.forGpu(
            student.runtime().gpuFreeBytes(),
            student.manifest().vocabSize(),
            student.manifest().dtype(),
            options.rowTokens()),
        options.rowTokens());
  }

  /** This JVM's student for the device Spark gave the task. */
  static Student student(ScoreContext context) {
    if (context.student().threads() > 0
        && System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(context.student().threads()));
    }
    List<String> gpus = List.of();
    TaskContext task = TaskContext.get();
    if (task != null) {
      scala.Option<ResourceInformation> gpu = task.resources().get("gpu");
      if (gpu.isDefined()) {
        gpus = List.of(gpu.get().addresses());
      }
    }
    String setting = context.student().device();
    int visible =
        setting.equals("gpu") && gpus.isEmpty() ? Engine.getEngine("PyTorch").getGpuCount() : 0;
    String device = DeviceChoice.choose(setting, gpus, visible);
    if (device.equals("cpu")
        && setting.equals("auto")
        && CPU_FALLBACK_LOGGED.compareAndSet(false, true)) {
      LOG.info(
          "student.device = auto and Spark assigned no GPU to this executor's tasks: scoring on the CPU");
    }
    Path dir = Path.of(context.student().path()).toAbsolutePath().normalize();
    return StudentCache.jvm()
        .getOrLoad(
            new StudentCache.Key(dir.toString(), device),
            () -> {
              Student s = Student.load(dir, Device.fromName(device));
              LOG.info(
                  "loaded student {} from {}: {}; batches of {} tokens",
                  s.manifest().name(),
                  dir,
                  s.runtime().describe(),
                  batchOptions(context, s).batchTokens());
              List<String> missing =
                  RuntimeEnvironment.missing(System.getenv()).stream()
                      .filter(m -> m.startsWith("MALLOC_"))
                      .toList();
              if (!device.startsWith("gpu") && !missing.isEmpty()) {
                LOG.warn(
                    "scoring on the CPU without {} in this executor's environment: libtorch's large tensors are then "
                        + "mapped and unmapped every batch (5-7x slower); set them with spark.executorEnv.NAME",
                    String.join(" ", missing));
              }
              return s;
            });
  }
}
