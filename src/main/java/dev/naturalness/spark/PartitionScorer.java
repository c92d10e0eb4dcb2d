package dev.naturalness.spark;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.naturalness.config.Settings;
import dev.naturalness.data.CorpusRow;
import dev.naturalness.data.Metric;
import dev.naturalness.data.RowChecks;
import dev.naturalness.data.RowProblem;
import dev.naturalness.data.ScorePart;
import dev.naturalness.data.ScoreRecord;
import dev.naturalness.model.BatchBudget;
import dev.naturalness.model.DeviceChoice;
import dev.naturalness.model.HadoopStudentSource;
import dev.naturalness.model.RuntimeEnvironment;
import dev.naturalness.model.Student;
import dev.naturalness.model.StudentCache;
import dev.naturalness.model.StudentFiles;
import dev.naturalness.scoring.Execution;
import dev.naturalness.scoring.PrepareAhead;
import dev.naturalness.scoring.ResponseScore;
import dev.naturalness.scoring.ResponseScorer;
import dev.naturalness.scoring.ScoreDefinition;
import dev.naturalness.scoring.ScoreParts;
import dev.naturalness.scoring.WindowRule;
import dev.naturalness.text.PreparedResponse;
import dev.naturalness.text.PromptTemplate;
import dev.naturalness.text.ResponsePreparer;
import dev.naturalness.text.StepSource;
import dev.naturalness.text.TextException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntUnaryOperator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Scores one partition with one student: rows sorted by estimated length (so batches are tight),
 * taken in groups whose planned sequences are packed together. A row whose parts the incremental
 * cache holds is scored only for the parts it lacks. The student is this JVM's, held for the task.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<Row>, Row> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PartitionScorer.class);
  private static final AtomicBoolean CPU_FALLBACK_LOGGED = new AtomicBoolean();
  private static final AtomicBoolean FIRST_BATCH_LOGGED = new AtomicBoolean();

  private final ScoringTask task;
  private final CanonicalRows rows;
  private final ScoreCounters counters;

  PartitionScorer(ScoringTask task, StructType canonical, ScoreCounters counters) {
    this.task = task;
    this.rows = new CanonicalRows(canonical);
    this.counters = counters;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    TaskContext context = TaskContext.get();
    if (task.testing().failEveryAttempt() && context != null) {
      throw new IllegalStateException(
          "testing.fail-every-attempt: scoring task " + context.partitionId() + " fails");
    }
    if (task.testing().failFirstAttempt() && context != null && context.attemptNumber() == 0) {
      throw new IllegalStateException(
          "testing.fail-first-attempt: scoring task "
              + context.partitionId()
              + " fails on its first attempt");
    }
    List<Row> all = new ArrayList<>();
    input.forEachRemaining(all::add);
    all.sort(Comparator.comparingLong(rows::estimate).reversed());
    int group = task.batching().responsesPerGroup();
    GroupScorer scorer = new GroupScorer(context);
    List<List<Row>> slices = new ArrayList<>();
    for (int from = 0; from < all.size(); from += group) {
      slices.add(all.subList(from, Math.min(all.size(), from + group)));
    }
    // The next group is read, checked and tokenized while this one is on the device.
    PrepareAhead<List<Row>, PreparedGroup> groups =
        new PrepareAhead<>(
            slices.iterator(),
            scorer::prepare,
            "naturalness-prepare-" + (context == null ? "local" : context.partitionId()));
    if (context != null) {
      context.addTaskCompletionListener((TaskCompletionListener) c -> groups.close());
    }
    return new Iterator<>() {
      private Iterator<Row> current = List.<Row>of().iterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && groups.hasNext()) {
          current = scorer.finish(groups.next()).iterator();
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

  /**
   * A group with its rows read, checked and tokenized: the rows already decided (problems, cached
   * scores) and those left to score, by what they lack.
   */
  private record PreparedGroup(int size, List<Row> decided, Map<String, List<Pending>> byMissing) {}

  /** A row ready to score: what it lacks, and what is stored. */
  private record Pending(
      Row row,
      CorpusRow corpus,
      Map<String, ScorePart> stored,
      ScoreDefinition missing,
      PreparedResponse prepared) {}

  /** The student and the scorers of one task, made when the first row needs them. */
  private final class GroupScorer {
    private final TaskContext context;
    private final ScoreDefinition definition = task.student().definition();
    private final Map<String, String> needed = IncrementalCache.neededParts(definition);
    private final List<String> windows =
        definition.computes(Metric.LALP)
            ? definition.windows().stream().map(WindowRule::spec).toList()
            : List.of();
    private final Map<String, ResponseScorer> scorers = new HashMap<>();
    private Student student;
    private ResponsePreparer preparer;
    private Execution execution;

    GroupScorer(TaskContext context) {
      this.context = context;
    }

    PreparedGroup prepare(List<Row> group) {
      List<Row> out = new ArrayList<>(group.size());
      Map<String, List<Pending>> byMissing = new LinkedHashMap<>();
      for (Row r : group) {
        CorpusRow row = rows.read(r);
        RowProblem problem = RowChecks.problem(row);
        if (problem != null) {
          out.add(
              record(
                  ScoreRecord.problem(row, task.student().name(), definition.hash(), problem),
                  null,
                  r));
          continue;
        }
        Map<String, ScorePart> stored = PartRows.byName(rows.cachedParts(r), needed);
        ScoreDefinition missing = missing(stored.keySet());
        if (missing == null) {
          out.add(record(fromParts(row, stored, true), stored, r));
          continue;
        }
        try {
          ensureStudent();
          PreparedResponse prepared =
              preparer.prepare(row.prompt(), row.turns(), row.response(), row.steps());
          byMissing
              .computeIfAbsent(missing.canonicalForm(), k -> new ArrayList<>())
              .add(new Pending(r, row, stored, missing, prepared));
        } catch (TextException e) {
          out.add(
              record(
                  ScoreRecord.problem(row, task.student().name(), definition.hash(), e.problem()),
                  null,
                  r));
        }
      }
      return new PreparedGroup(group.size(), out, byMissing);
    }

    List<Row> finish(PreparedGroup group) {
      List<Row> out = group.decided();
      for (List<Pending> pending : group.byMissing().values()) {
        ScoreDefinition missing = pending.get(0).missing();
        List<PreparedResponse> prepared = pending.stream().map(Pending::prepared).toList();
        List<String> ids = pending.stream().map(p -> p.corpus().responseId()).toList();
        List<ResponseScore> scores = scorer(missing).score(prepared, ids);
        logFirstBatch();
        for (int i = 0; i < scores.size(); i++) {
          Pending p = pending.get(i);
          Map<String, ScorePart> parts = new LinkedHashMap<>(p.stored());
          parts.putAll(ScoreParts.of(scores.get(i), missing, p.corpus().response()));
          out.add(record(fromParts(p.corpus(), parts, false), parts, p.row()));
        }
      }
      // Tokens are counted batch by batch as the scorer runs them; responses as their group ends.
      counters.responses().add(group.size());
      return out;
    }

    private ScoreRecord fromParts(CorpusRow row, Map<String, ScorePart> parts, boolean reused) {
      return ScoreRecord.fromParts(
          row,
          task.student().name(),
          definition.hash(),
          windows,
          definition.computes(Metric.GALP),
          parts,
          reused,
          "no token of the response could be scored within "
              + "student.max-tokens = "
              + definition.maxTokens());
    }

    private Row record(ScoreRecord s, Map<String, ScorePart> parts, Row row) {
      Row[] partRows = null;
      if (parts != null) {
        partRows = new Row[parts.size()];
        int i = 0;
        for (ScorePart p : parts.values()) {
          partRows[i++] = PartRows.toRow(p, needed.get(p.part()));
        }
      }
      return ScoreRows.toRow(s, partRows, rows.input(row));
    }

    /** The definition restricted to the parts not stored, or null when every part is. */
    private ScoreDefinition missing(Set<String> stored) {
      if (stored.containsAll(needed.keySet())) {
        return null;
      }
      if (stored.isEmpty()) {
        return definition;
      }
      List<WindowRule> lacking =
          definition.windows().stream().filter(w -> !stored.contains(w.spec())).toList();
      EnumSet<Metric> metrics = EnumSet.noneOf(Metric.class);
      if (definition.computes(Metric.GALP) && !stored.contains(Metric.GALP.key())) {
        metrics.add(Metric.GALP);
      }
      if (definition.computes(Metric.LALP) && !lacking.isEmpty()) {
        metrics.add(Metric.LALP);
      }
      return definition
          .withMetrics(metrics)
          .withWindows(lacking.isEmpty() ? definition.windows() : lacking);
    }

    private ResponseScorer scorer(ScoreDefinition d) {
      return scorers.computeIfAbsent(
          d.canonicalForm(),
          k ->
              new ResponseScorer(d, execution, student.model())
                  .afterEachBatch(counters.tokens()::add));
    }

    private void ensureStudent() {
      if (student != null) {
        return;
      }
      long started = System.nanoTime();
      if (task.studentSettings().threads() > 0
          && System.getProperty("ai.djl.pytorch.num_threads") == null) {
        System.setProperty(
            "ai.djl.pytorch.num_threads", String.valueOf(task.studentSettings().threads()));
      }
      StudentFiles.Local local =
          StudentFiles.local(
              task.student(),
              false,
              task.studentSettings().localCache(),
              HadoopStudentSource.configuration(task.hadoop()),
              ShippedStudents.source(task.student()));
      double copySeconds = (System.nanoTime() - started) / 1e9;
      String device = device(context);
      StudentCache.Lease lease =
          StudentCache.jvm()
              .acquire(
                  new StudentCache.Key(
                      local.directory().toAbsolutePath().normalize().toString(), device),
                  () -> load(local, device, copySeconds));
      if (context != null) {
        context.addTaskCompletionListener((TaskCompletionListener) c -> lease.close());
      }
      student = lease.student();
      execution = execution(task.batching(), student);
      List<IntUnaryOperator> repeatWindows = new ArrayList<>();
      for (WindowRule w : definition.windows()) {
        repeatWindows.add(w::window);
      }
      preparer =
          new ResponsePreparer(
              new PromptTemplate(
                  student.manifest().promptTemplate(), student.manifest().chatTemplate()),
              StepSource.named(definition.steps()),
              student.tokenizer(),
              student.manifest().bosId(),
              repeatWindows);
    }

    private Student load(StudentFiles.Local local, String device, double copySeconds) {
      long started = System.nanoTime();
      Engine.getEngine("PyTorch");
      double engineSeconds = (System.nanoTime() - started) / 1e9;
      Student s = Student.load(local.directory(), Device.fromName(device));
      double loadSeconds = (System.nanoTime() - started) / 1e9 - engineSeconds;
      LOG.info(
          String.format(
              Locale.ROOT,
              "loaded student %s from %s: %s; batches of %d tokens (copy %.1f s, libtorch %.1f s, "
                  + "load %.1f s)",
              s.manifest().name(),
              local.how(),
              s.runtime().describe(),
              execution(task.batching(), s).batchTokens(),
              copySeconds,
              engineSeconds,
              loadSeconds));
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
    }

    private void logFirstBatch() {
      if (FIRST_BATCH_LOGGED.compareAndSet(false, true)) {
        double sinceStart =
            (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime())
                / 1000.0;
        LOG.info(
            String.format(
                Locale.ROOT, "first batches scored %.1f s after this JVM started", sinceStart));
      }
    }
  }

  /** The device Spark gave the task (its GPU), or the CPU. */
  private String device(TaskContext context) {
    List<String> gpus = List.of();
    if (context != null) {
      Option<ResourceInformation> gpu = context.resources().get("gpu");
      if (gpu.isDefined()) {
        gpus = List.of(gpu.get().addresses());
      }
    }
    String setting = task.studentSettings().device();
    int visible =
        setting.equals("gpu") && gpus.isEmpty() ? Engine.getEngine("PyTorch").getGpuCount() : 0;
    String device = DeviceChoice.choose(setting, gpus, visible);
    if (device.equals("cpu")
        && setting.equals("auto")
        && CPU_FALLBACK_LOGGED.compareAndSet(false, true)) {
      LOG.info(
          "student.device = auto and Spark assigned no GPU to this executor's tasks: scoring on the CPU");
    }
    return device;
  }

  /**
   * The batch budget resolved where the student runs: auto follows the GPU's free memory, or on a
   * CPU the student's vocabulary ({@link BatchBudget#forCpu}).
   */
  static Execution execution(Settings.Batching scoring, Student student) {
    int batch;
    if (scoring.batch() instanceof Settings.BatchSize.Fixed fixed) {
      batch = fixed.tokens();
    } else {
      batch = BatchBudget.auto(student, scoring.rowTokens());
    }
    return new Execution(batch, scoring.rowTokens(), scoring.pack(), true);
  }
}
