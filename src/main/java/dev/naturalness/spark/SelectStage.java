package dev.naturalness.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.arrays_overlap;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Duplicate;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Metric;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.report.RunSummary;
import dev.naturalness.stats.ErrorModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per student and prompt, the top-k responses by LALP among the candidates: scored rows (status ok,
 * LALP not null) that pass the checks select.require names (e.g. correct: a label that is not
 * false). Ties go to the smaller response_id. Each selected row is the input row that was scored
 * (carried with its scores, every column kept), plus its response_id, student, lalp, galp, its rank
 * and its margin over the next candidate (null when it is the last), and the prompt_id (the input's
 * column of that name, else the one the job used); for a corpus whose rows are not one response
 * each (input.shape other than flat), also the teacher, prompt and response that were scored. The
 * selection keeps, internally, the scored prompt (its turns) and response for the exports.
 */
public final class SelectStage {
  /** A column of {@link #selectResponses} used to sort the written files, dropped when written. */
  static final String SORT_PROMPT = "_prompt_id";

  /** Internal columns of the selection: the scored prompt's text and turns, and the response. */
  static final String PROMPT_TEXT = "_prompt_text";

  static final String RESPONSE_TEXT = "_response_text";

  /** Columns of the selection that are not written to selected/. */
  static final List<String> INTERNAL =
      List.of(SORT_PROMPT, "_teacher", PROMPT_TEXT, Fields.TURNS, RESPONSE_TEXT);

  private static final List<String> ADDED =
      List.of(
          Fields.STUDENT,
          Fields.LALP,
          Fields.GALP,
          Fields.MARGIN,
          Fields.SELECTION_RANK,
          Fields.SELECTION_CERTAINTY);

  /** Input columns that the selection's own columns replace. */
  private static final List<String> REPLACED =
      Stream.concat(Stream.of(Fields.RESPONSE_ID), ADDED.stream()).toList();

  private SelectStage() {}

  /**
   * @param canonical the rows that were scored, for the selected prompts' and responses' texts;
   *     null when nothing needs them (a flat corpus, no exports)
   */
  public static Dataset<Row> selectResponses(
      Dataset<Row> scores, Dataset<Row> canonical, Settings.Select select, Settings.Shape shape) {
    return selectResponses(scores, canonical, select, shape, null);
  }

  /**
   * @param sampledErrors with scores estimated from sampled steps, how they err (from the run's
   *     exact check, else as stated): the first selected response's certainty then weighs every
   *     candidate's estimate and standard error with a prior on the gaps between candidates learnt
   *     from the run ({@link SelectionPriors}); null for exact scores (the certainty is 1)
   */
  public static Dataset<Row> selectResponses(
      Dataset<Row> scores,
      Dataset<Row> canonical,
      Settings.Select select,
      Settings.Shape shape,
      ErrorModel sampledErrors) {
    boolean sampled = sampledErrors != null;
    WindowSpec byPrompt =
        Window.partitionBy(Fields.STUDENT, Fields.PROMPT_ID)
            .orderBy(col(Fields.LALP).desc(), col(Fields.RESPONSE_ID).asc());
    Column first = col(Fields.SELECTION_RANK).equalTo(1);
    // The job caches the selection: hashed by prompt into as many partitions as the scores have
    // (CachedPartitions).
    Dataset<Row> candidates =
        scores
            .filter(candidate(select))
            .repartition(CachedPartitions.like(scores), col(Fields.STUDENT), col(Fields.PROMPT_ID))
            .withColumn(Fields.SELECTION_RANK, row_number().over(byPrompt))
            .withColumn(
                Fields.MARGIN, col(Fields.LALP).minus(lead(col(Fields.LALP), 1).over(byPrompt)));
    Dataset<Row> ranked =
        sampled
            ? candidates
                .withColumn(
                    "_candidates",
                    collect_list(
                            struct(col(Fields.RESPONSE_ID), col(Fields.LALP), col(Fields.LALP_SE)))
                        .over(Window.partitionBy(Fields.STUDENT, Fields.PROMPT_ID)))
                .filter(col(Fields.SELECTION_RANK).leq(select.topK()))
                .withColumn(
                    Fields.SELECTION_CERTAINTY,
                    when(
                        first,
                        SelectionPriors.certainty(SelectionPriors.fit(candidates, sampledErrors))
                            .apply(
                                col("_candidates"), col(Fields.RESPONSE_ID), col(Fields.STUDENT))))
                .drop("_candidates")
            : candidates
                .filter(col(Fields.SELECTION_RANK).leq(select.topK()))
                .withColumn(Fields.SELECTION_CERTAINTY, when(first, lit(1.0)));
    Dataset<Row> joined;
    if (canonical == null) {
      joined =
          ranked
              .withColumn(PROMPT_TEXT, lit(null).cast(DataTypes.StringType))
              .withColumn(Fields.TURNS, lit(null).cast(DataTypes.createArrayType(ChatSplit.TURN)))
              .withColumn(RESPONSE_TEXT, lit(null).cast(DataTypes.StringType));
    } else {
      Dataset<Row> texts = texts(canonical);
      joined =
          ranked
              .join(texts, ranked.col(Fields.RESPONSE_ID).equalTo(texts.col("_text_id")), "left")
              .drop("_text_id");
    }
    return joined.select(selectedColumns(scores.schema(), shape));
  }

  /** The selection's columns: the input row's, the job's, then the internal ones. */
  private static Column[] selectedColumns(StructType schema, Settings.Shape shape) {
    StructType input = (StructType) schema.apply(Fields.INPUT).dataType();
    List<Column> out = new ArrayList<>();
    List<String> inputColumns = Arrays.asList(input.fieldNames());
    for (String c : inputColumns) {
      if (!REPLACED.contains(c)) {
        out.add(col(Fields.INPUT + "." + RawColumns.quoted(c)).as(c));
      }
    }
    // The id the job used: the input's where it has one, else derived (written as response_id).
    out.add(col(Fields.RESPONSE_ID));
    for (String c : ADDED) {
      out.add(col(c));
    }
    if (!inputColumns.contains(Fields.PROMPT_ID)) {
      // Every selected row says which prompt it answers, as the exports do: derived when the
      // corpus had no prompt_id column.
      out.add(col(Fields.PROMPT_ID));
    }
    if (shape != Settings.Shape.FLAT) {
      // A row of such a corpus is not one response: say which was scored.
      for (String[] c :
          new String[][] {
            {Fields.TEACHER, Fields.TEACHER},
            {Fields.PROMPT, PROMPT_TEXT},
            {Fields.RESPONSE, RESPONSE_TEXT}
          }) {
        if (!inputColumns.contains(c[0])) {
          out.add(col(c[1]).as(c[0]));
        }
      }
    }
    out.add(col(Fields.PROMPT_ID).as(SORT_PROMPT));
    out.add(col(Fields.TEACHER).as("_teacher"));
    out.add(col(PROMPT_TEXT));
    out.add(col(Fields.TURNS));
    out.add(col(RESPONSE_TEXT));
    return out.toArray(new Column[0]);
  }

  /** Each scored row's prompt (text and turns) and response, by response_id. */
  static Dataset<Row> texts(Dataset<Row> canonical) {
    return canonical
        .filter(col(Fields.DUPLICATE).equalTo(Duplicate.NONE.name()))
        .select(
            col(Fields.RESPONSE_ID).as("_text_id"),
            col(Fields.PROMPT).as(PROMPT_TEXT),
            col(Fields.TURNS),
            col(Fields.RESPONSE).as(RESPONSE_TEXT));
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
        .drop(INTERNAL.toArray(new String[0]));
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

  /**
   * Per student, how sure its first picks are (the selection from sampled scores), with its exact
   * check's figures where the run has one.
   */
  public static List<RunSummary.Certainty> certainty(
      Dataset<Row> selected, Map<String, RunSummary.ExactCheck> checks) {
    Column c = col(Fields.SELECTION_CERTAINTY);
    List<RunSummary.Certainty> out = new ArrayList<>();
    for (Row r :
        selected
            .filter(col(Fields.SELECTION_RANK).equalTo(1))
            .groupBy(col(Fields.STUDENT))
            .agg(
                count(lit(1)).as("n"),
                count(when(c.lt(0.9), 1)).as("below90"),
                count(when(c.lt(0.99), 1)).as("below99"),
                avg(c).as("mean"))
            .orderBy(Fields.STUDENT)
            .collectAsList()) {
      out.add(
          new RunSummary.Certainty(
              r.getAs(Fields.STUDENT),
              r.<Long>getAs("n"),
              r.<Long>getAs("below90"),
              r.<Long>getAs("below99"),
              r.getAs("mean"),
              checks.get(r.<String>getAs(Fields.STUDENT))));
    }
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

  /**
   * Rows that may be selected: ok, with a LALP, and passing every check select.require names (a row
   * fails a check when it carries its flag).
   */
  static Column candidate(Settings.Select select) {
    Column candidate =
        col(Fields.STATUS).equalTo(RowStatus.OK.code()).and(col(Fields.LALP).isNotNull());
    if (select.require().isEmpty()) {
      return candidate;
    }
    Column[] required = select.require().stream().map(f -> lit(f.code())).toArray(Column[]::new);
    return candidate.and(not(arrays_overlap(col(Fields.FLAGS), array(required))));
  }
}
