package dev.naturalness.spark;

import dev.naturalness.config.Settings;
import dev.naturalness.data.CorpusRow;
import dev.naturalness.data.RowChecks;
import dev.naturalness.model.BatchBudget;
import dev.naturalness.model.HadoopStudentSource;
import dev.naturalness.model.StudentFiles;
import dev.naturalness.model.StudentManifest;
import dev.naturalness.model.TokenizerCache;
import dev.naturalness.scoring.CostPlanner;
import dev.naturalness.scoring.Execution;
import dev.naturalness.scoring.ScoreDefinition;
import dev.naturalness.text.PreparedResponse;
import dev.naturalness.text.PromptTemplate;
import dev.naturalness.text.ResponsePreparer;
import dev.naturalness.text.StepSource;
import dev.naturalness.text.TextException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The model tokens a canonical row will cost one student, planned with its tokenizer alone (the
 * model is never loaded): what the plan pass adds up and what partitioning balances. A row with a
 * problem costs nothing. One instance per task; the tokenizer is the JVM's.
 */
final class RowCost implements Serializable {
  private static final long serialVersionUID = 1L;
  private final ScoringTask task;
  private final CanonicalRows rows;
  private transient ResponsePreparer preparer;
  private transient CostPlanner planner;
  private transient Map<String, String> needed;

  RowCost(ScoringTask task, StructType canonical) {
    this.task = task;
    this.rows = new CanonicalRows(canonical);
  }

  private Map<String, String> needed() {
    if (needed == null) {
      needed = IncrementalCache.neededParts(task.student().definition());
    }
    return needed;
  }

  CanonicalRows rows() {
    return rows;
  }

  /** The row's cost, or null when the row never reaches the model. */
  CostPlanner.Cost cost(Row r) {
    CorpusRow row = rows.read(r);
    if (RowChecks.problem(row) != null) {
      return null;
    }
    List<Row> stored = rows.cachedParts(r);
    if (stored != null && PartRows.byName(stored, needed()).size() == needed().size()) {
      return null; // every part is stored: the model never sees the row
    }
    ensure();
    try {
      PreparedResponse prepared =
          preparer.prepare(row.prompt(), row.turns(), row.response(), row.steps());
      return planner.cost(prepared, row.responseId());
    } catch (TextException e) {
      return null;
    }
  }

  /** Model tokens, at least 1 (every row weighs something when partitions are cut). */
  long weight(Row r) {
    CostPlanner.Cost c = cost(r);
    return c == null ? 1 : Math.max(1, c.modelTokens());
  }

  private void ensure() {
    if (preparer != null) {
      return;
    }
    StudentFiles.Local local =
        StudentFiles.local(
            task.student(),
            true,
            task.studentSettings().localCache(),
            HadoopStudentSource.configuration(task.hadoop()),
            ShippedStudents.source(task.student()));
    StudentManifest manifest = StudentManifest.read(local.directory(), false);
    ScoreDefinition definition = task.student().definition();
    preparer =
        new ResponsePreparer(
            new PromptTemplate(manifest.promptTemplate(), manifest.chatTemplate()),
            StepSource.named(definition.steps()),
            TokenizerCache.get(manifest.tokenizerPath()),
            manifest.bosId());
    planner = new CostPlanner(definition, execution(task.batching(), gpu(), manifest));
  }

  /** Whether Spark gave this task a GPU (or the student must run on one). */
  private boolean gpu() {
    TaskContext context = TaskContext.get();
    return task.studentSettings().device().equals("gpu")
        || (context != null
            && context.resources().get("gpu").isDefined()
            && !task.studentSettings().device().equals("cpu"));
  }

  /**
   * The packing a scorer will use, without its model: a fixed budget as given; auto is the CPU's
   * budget for this student's vocabulary on a CPU, and on a GPU at least a row, so that a unit is
   * then as long as a row.
   */
  static Execution execution(Settings.Batching scoring, boolean gpu, StudentManifest manifest) {
    int rowTokens = scoring.rowTokens();
    int batch =
        scoring.batch() instanceof Settings.BatchSize.Fixed f
            ? f.tokens()
            : gpu
                ? Math.max(rowTokens, BatchBudget.CPU_TOKENS)
                : BatchBudget.forCpu(manifest.vocabSize(), manifest.dtype(), rowTokens);
    return new Execution(batch, scoring.rowTokens(), scoring.pack(), true);
  }
}
