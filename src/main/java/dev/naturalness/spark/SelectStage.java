package dev.naturalness.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.row_number;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Metric;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.report.RunSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.StructType;

/**
 * Per student and prompt, the top-k responses by LALP among the candidates: scored rows (status ok,
 * LALP not null) whose correct label is not false when select.require-correct is on. Ties go to the
 * smaller response_id. Each selected row is the input row that was scored (carried with its scores,
 * every column kept), plus its response_id, student, lalp, galp, its rank and its margin over the
 * next candidate (null when it is the last).
 */
public final class SelectStage {
  /** A column of {@link #selectResponses} used to sort the written files, dropped when written. */
  static final String SORT_PROMPT = "_prompt_id";

  private static final List<String> ADDED =
      List.of(Fields.STUDENT, Fields.LALP, Fields.GALP, Fields.MARGIN, Fields.SELECTION_RANK);

  /** Input columns that the selection's own columns replace. */
  private static final List<String> REPLACED =
      List.of(
          Fields.RESPONSE_ID,
          Fields.STUDENT,
          Fields.LALP,
          Fields.GALP,
          Fields.MARGIN,
          Fields.SELECTION_RANK);

  private SelectStage() {}

  public static Dataset<Row> selectResponses(Dataset<Row> scores, Settings.Select select) {
    WindowSpec byPrompt =
        Window.partitionBy(Fields.STUDENT, Fields.PROMPT_ID)
            .orderBy(col(Fields.LALP).desc(), col(Fields.RESPONSE_ID).asc());
    // The job caches the selection: hashed by prompt into as many partitions as the scores have
    // (CachedPartitions).
    Dataset<Row> ranked =
        scores
            .filter(candidate(select))
            .repartition(CachedPartitions.like(scores), col(Fields.STUDENT), col(Fields.PROMPT_ID))
            .withColumn(Fields.SELECTION_RANK, row_number().over(byPrompt))
            .withColumn(
                Fields.MARGIN, col(Fields.LALP).minus(lead(col(Fields.LALP), 1).over(byPrompt)))
            .filter(col(Fields.SELECTION_RANK).leq(select.topK()));
    StructType input = (StructType) scores.schema().apply(Fields.INPUT).dataType();
    List<Column> out = new ArrayList<>();
    List<String> inputColumns = Arrays.asList(input.fieldNames());
    for (String c : inputColumns) {
      if (!REPLACED.contains(c)) {
        out.add(col(Fields.INPUT + "." + CorpusReader.quoted(c)).as(c));
      }
    }
    // The id the job used: the input's where it has one, else derived (written as response_id).
    out.add(col(Fields.RESPONSE_ID));
    for (String c : ADDED) {
      out.add(col(c));
    }
    out.add(col(Fields.PROMPT_ID).as(SORT_PROMPT));
    out.add(col(Fields.TEACHER).as("_teacher"));
    return ranked.select(out.toArray(new Column[0]));
  }

  /**
   * The selected rows as written: about {@code rowsPerFile} rows a file, each file sorted by
   * student, prompt and rank (a global sort would make one file per shuffle partition).
   */
  public static Dataset<Row> forWriting(Dataset<Row> selected, long rows, long rowsPerFile) {
    int files = (int) Math.max(1, Math.min(10_000, (rows + rowsPerFile - 1) / rowsPerFile));
    return selected
        .repartition(files, col(SORT_PROMPT))
        .sortWithinPartitions(col(Fields.STUDENT), col(SORT_PROMPT), col(Fields.SELECTION_RANK))
        .drop(SORT_PROMPT, "_teacher");
  }

  public static List<RunSummary.Composition> composition(
      Dataset<Row> selected,
      Dataset<Row> scores,
      List<TeacherSummary> teachers,
      Settings.Select select) {
    Map<String, String> top = new HashMap<>();
    for (TeacherSummary t : teachers) {
      if (t.of(Metric.LALP).rank() != null && t.of(Metric.LALP).rank() == 1) {
        top.put(t.student(), t.teacher());
      }
    }
    Map<String, Map<String, Long>> byTeacher = new TreeMap<>();
    Map<String, double[]> selectedLalp = new HashMap<>();
    for (Row r :
        selected
            .filter(col(Fields.SELECTION_RANK).equalTo(1))
            .groupBy(col(Fields.STUDENT), col("_teacher").as(Fields.TEACHER))
            .agg(count("*").as("n"), avg(col(Fields.LALP)).as("mean"))
            .collectAsList()) {
      String student = r.getAs(Fields.STUDENT);
      long n = r.getAs("n");
      byTeacher.computeIfAbsent(student, s -> new TreeMap<>()).put(r.getAs(Fields.TEACHER), n);
      double[] acc = selectedLalp.computeIfAbsent(student, s -> new double[2]);
      acc[0] += r.<Double>getAs("mean") * n;
      acc[1] += n;
    }
    Map<String, Row> topFigures = topTeacherFigures(scores, top, select);
    List<RunSummary.Composition> out = new ArrayList<>();
    byTeacher.forEach(
        (student, counts) -> {
          String best = top.get(student);
          long prompts = counts.values().stream().mapToLong(Long::longValue).sum();
          double[] acc = selectedLalp.get(student);
          Row t = topFigures.get(student);
          out.add(
              new RunSummary.Composition(
                  student,
                  best,
                  prompts,
                  counts,
                  prompts - counts.getOrDefault(best, 0L),
                  t == null ? 0 : t.<Long>getAs("prompts"),
                  acc[1] > 0 ? acc[0] / acc[1] : null,
                  t == null ? null : t.<Double>getAs("mean")));
        });
    return out;
  }

  /** Per student, its top teacher's candidate prompts and their mean LALP. */
  private static Map<String, Row> topTeacherFigures(
      Dataset<Row> scores, Map<String, String> top, Settings.Select select) {
    Map<String, Row> out = new HashMap<>();
    for (Row r :
        scores
            .filter(candidate(select))
            .groupBy(col(Fields.STUDENT), col(Fields.TEACHER))
            .agg(
                countDistinct(col(Fields.PROMPT_ID)).as("prompts"),
                avg(col(Fields.LALP)).as("mean"))
            .collectAsList()) {
      String teacher = r.getAs(Fields.TEACHER);
      if (teacher != null && teacher.equals(top.get(r.<String>getAs(Fields.STUDENT)))) {
        out.put(r.getAs(Fields.STUDENT), r);
      }
    }
    return out;
  }

  /** Rows that may be selected: ok, with a LALP, and not known wrong when that is asked. */
  private static Column candidate(Settings.Select select) {
    Column candidate =
        col(Fields.STATUS).equalTo(RowStatus.OK.code()).and(col(Fields.LALP).isNotNull());
    return select.requireCorrect()
        ? candidate.and(col(Fields.CORRECT).isNull().or(col(Fields.CORRECT)))
        : candidate;
  }
}
