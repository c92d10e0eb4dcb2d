package dev.naturalness.spark;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createMapType;

import dev.naturalness.data.Fields;
import dev.naturalness.data.Metric;
import dev.naturalness.data.RowFlag;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.ScoreRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The scores dataset's columns, in one table ({@link ColumnTable}): the columns of scores/ in
 * order, then the internal ones the later stages need (dropped when written), then the row's score
 * parts and its input row. The schema, a record's row and a row's record all come from it; a new
 * column, or a new {@link Metric}'s column, is one entry here.
 */
public final class ScoreRows {
  /** The row's score parts (what the incremental cache stores), or null for a row not scored. */
  public static final String PARTS = "_parts";

  /** The columns the step-score switch drops. */
  public static final List<String> STEP_COLUMNS = List.of(Fields.STEP_SCORES, Fields.STEP_SPANS);

  private static final ColumnTable<ScoreRecord, ScoreRecord.Builder> WRITTEN_TABLE = written();
  private static final ColumnTable<ScoreRecord, ScoreRecord.Builder> TABLE = all();

  /** The columns of scores/, in order. */
  public static final StructType WRITTEN = WRITTEN_TABLE.schema();

  /** Columns that stay inside the job. */
  public static final List<String> INTERNAL = internal();

  private ScoreRows() {}

  private static List<ColumnTable.Column<ScoreRecord, ScoreRecord.Builder>> writtenColumns() {
    List<ColumnTable.Column<ScoreRecord, ScoreRecord.Builder>> c = new ArrayList<>();
    identityColumns(c);
    scoresColumns(c);
    countsColumns(c);
    stepsColumns(c);
    return c;
  }

  /** Of the row: its response, prompt, teacher and student. */
  private static void identityColumns(
      List<ColumnTable.Column<ScoreRecord, ScoreRecord.Builder>> c) {
    c.add(
        col(
            Fields.RESPONSE_ID,
            StringType,
            true,
            ScoreRecord::responseId,
            (b, v) -> b.responseId((String) v)));
    c.add(
        col(
            Fields.PROMPT_ID,
            StringType,
            true,
            ScoreRecord::promptId,
            (b, v) -> b.promptId((String) v)));
    c.add(
        col(
            Fields.TEACHER,
            StringType,
            true,
            ScoreRecord::teacher,
            (b, v) -> b.teacher((String) v)));
    c.add(
        col(
            Fields.STUDENT,
            StringType,
            false,
            ScoreRecord::student,
            (b, v) -> b.student((String) v)));
    for (Metric m : Metric.values()) {
      c.add(col(m.key(), DoubleType, true, r -> r.value(m), (b, v) -> b.score(m, (Double) v)));
    }
  }

  /** Of its scores: each metric, each window's LALP, LALP's variants. */
  private static void scoresColumns(List<ColumnTable.Column<ScoreRecord, ScoreRecord.Builder>> c) {
    c.add(
        col(
            Fields.LALP_BY_WINDOW,
            createMapType(StringType, DoubleType, true),
            true,
            r -> SparkValues.scalaMap(r.lalpByWindow()),
            (b, v) -> b.lalpByWindow(SparkValues.javaMap(v))));
    c.add(
        col(
            Fields.LALP_DROP_FIRST,
            DoubleType,
            true,
            ScoreRecord::lalpDropFirst,
            (b, v) -> b.lalpDropFirst((Double) v)));
    c.add(
        col(Fields.LALP_SE, DoubleType, true, ScoreRecord::lalpSe, (b, v) -> b.lalpSe((Double) v)));
    c.add(
        col(
            Fields.LALP_STRATA,
            SparkValues.STRATA,
            true,
            r -> SparkValues.strata(r.lalpStrata()),
            (b, v) -> b.lalpStrata(SparkValues.strata(v))));
  }

  /** Of what was scored: steps, tokens, length, cuts, status. */
  private static void countsColumns(List<ColumnTable.Column<ScoreRecord, ScoreRecord.Builder>> c) {
    c.add(
        col(
            Fields.STEPS_SCORED,
            IntegerType,
            false,
            ScoreRecord::stepsScored,
            (b, v) -> b.stepsScored((Integer) v)));
    c.add(
        col(
            Fields.N_TOKENS,
            IntegerType,
            false,
            ScoreRecord::nTokens,
            (b, v) -> b.nTokens((Integer) v)));
    c.add(
        col(
            Fields.N_STEPS,
            IntegerType,
            false,
            ScoreRecord::nSteps,
            (b, v) -> b.nSteps((Integer) v)));
    c.add(
        col(
            Fields.RESPONSE_CHARS,
            IntegerType,
            false,
            ScoreRecord::responseChars,
            (b, v) -> b.responseChars((Integer) v)));
    c.add(
        col(
            Fields.TRUNCATED,
            BooleanType,
            false,
            ScoreRecord::truncated,
            (b, v) -> b.truncated((Boolean) v)));
    c.add(
        col(
            Fields.STATUS,
            StringType,
            false,
            r -> r.status().code(),
            (b, v) -> b.status(RowStatus.ofCode((String) v))));
    c.add(col(Fields.ERROR, StringType, true, ScoreRecord::error, (b, v) -> b.error((String) v)));
  }

  /** Of its steps and what the score depends on. */
  private static void stepsColumns(List<ColumnTable.Column<ScoreRecord, ScoreRecord.Builder>> c) {
    c.add(
        col(
            Fields.STEP_SCORES,
            createArrayType(FloatType, false),
            true,
            r -> SparkValues.boxed(r.stepScores()),
            (b, v) -> b.stepScores(SparkValues.floats(v))));
    c.add(
        col(
            Fields.STEP_SPANS,
            createArrayType(SparkValues.SPAN, false),
            true,
            r -> SparkValues.spans(r.stepSpans()),
            (b, v) -> b.stepSpans(SparkValues.spans(v))));
    c.add(
        col(
            Fields.REPEATED_STEPS,
            IntegerType,
            false,
            ScoreRecord::repeatedSteps,
            (b, v) -> b.repeatedSteps((Integer) v)));
    c.add(
        col(
            Fields.LALP_NO_REPEATS,
            DoubleType,
            true,
            ScoreRecord::lalpNoRepeats,
            (b, v) -> b.lalpNoRepeats((Double) v)));
    c.add(
        col(
            Fields.CONFIG_HASH,
            StringType,
            false,
            ScoreRecord::configHash,
            (b, v) -> b.configHash((String) v)));
    c.add(
        col(
            Fields.FLAGS,
            createArrayType(StringType, false),
            false,
            r -> r.flags().stream().map(RowFlag::code).toArray(String[]::new),
            (b, v) -> b.flags(flagsOf(v))));
  }

  private static ColumnTable<ScoreRecord, ScoreRecord.Builder> written() {
    return new ColumnTable<>(
        writtenColumns(), ScoreRecord.Builder::new, ScoreRecord.Builder::build);
  }

  private static ColumnTable<ScoreRecord, ScoreRecord.Builder> all() {
    List<ColumnTable.Column<ScoreRecord, ScoreRecord.Builder>> c = writtenColumns();
    c.add(
        col(
            Fields.MODEL_TOKENS,
            LongType,
            false,
            ScoreRecord::modelTokens,
            (b, v) -> b.modelTokens((Long) v)));
    c.add(
        col(
            Fields.CORRECT,
            BooleanType,
            true,
            ScoreRecord::correct,
            (b, v) -> b.correct((Boolean) v)));
    c.add(
        col(
            Fields.TEXT_SHA,
            StringType,
            true,
            ScoreRecord::textSha,
            (b, v) -> b.textSha((String) v)));
    c.add(
        col(
            Fields.REUSED,
            BooleanType,
            false,
            ScoreRecord::reused,
            (b, v) -> b.reused((Boolean) v)));
    return new ColumnTable<>(c, ScoreRecord.Builder::new, ScoreRecord.Builder::build);
  }

  private static List<String> internal() {
    List<String> names = new ArrayList<>();
    for (ColumnTable.Column<ScoreRecord, ScoreRecord.Builder> c : TABLE.columns()) {
      if (!WRITTEN.getFieldIndex(c.name()).isDefined()) {
        names.add(c.name());
      }
    }
    names.add(PARTS);
    names.add(Fields.INPUT);
    return List.copyOf(names);
  }

  private static ColumnTable.Column<ScoreRecord, ScoreRecord.Builder> col(
      String name,
      DataType type,
      boolean nullable,
      ColumnTable.Reader<ScoreRecord> read,
      ColumnTable.Writer<ScoreRecord.Builder> write) {
    return new ColumnTable.Column<>(name, type, nullable, read, write);
  }

  private static List<RowFlag> flagsOf(Object v) {
    List<String> codes = SparkValues.list(v);
    return codes == null ? List.of() : codes.stream().map(RowFlag::ofCode).toList();
  }

  /** The scores dataset's schema for an input whose rows have the given struct type. */
  public static StructType schema(StructType input) {
    return TABLE
        .schema()
        .add(PARTS, createArrayType(PartRows.SCHEMA, false), true)
        .add(Fields.INPUT, input, true);
  }

  public static Row toRow(ScoreRecord s, Row[] parts, Row input) {
    return TABLE.toRow(s, parts, input);
  }

  /**
   * A record back from a row of the scores dataset, or of scores/ as read (the internal columns
   * then keep their defaults).
   */
  public static ScoreRecord fromRow(Row r) {
    return TABLE.fromRow(r);
  }
}
