package dev.naturalness.spark;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createMapType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import dev.naturalness.data.RowStatus;
import dev.naturalness.data.ScoreRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * The scores dataset's schema and its conversion from and to {@link ScoreRecord}, in one place: the
 * columns of scores/, then the internal ones the later stages need (dropped when written).
 */
public final class ScoreRows {
  /** A step's [start, end) in code points of the response. */
  static final StructType SPAN =
      createStructType(
          List.of(
              createStructField("start", IntegerType, false),
              createStructField("end", IntegerType, false)));

  /** The columns of scores/, in order. */
  public static final StructType WRITTEN =
      createStructType(
          List.of(
              createStructField(Fields.RESPONSE_ID, StringType, true),
              createStructField(Fields.PROMPT_ID, StringType, true),
              createStructField(Fields.TEACHER, StringType, true),
              createStructField(Fields.STUDENT, StringType, false),
              createStructField(Fields.LALP, DoubleType, true),
              createStructField(Fields.GALP, DoubleType, true),
              createStructField(
                  Fields.LALP_BY_WINDOW, createMapType(StringType, DoubleType, true), true),
              createStructField(Fields.LALP_DROP_FIRST, DoubleType, true),
              createStructField(Fields.LALP_SE, DoubleType, true),
              createStructField(Fields.STEPS_SCORED, IntegerType, false),
              createStructField(Fields.N_TOKENS, IntegerType, false),
              createStructField(Fields.N_STEPS, IntegerType, false),
              createStructField(Fields.RESPONSE_CHARS, IntegerType, false),
              createStructField(Fields.TRUNCATED, BooleanType, false),
              createStructField(Fields.STATUS, StringType, false),
              createStructField(Fields.ERROR, StringType, true),
              createStructField(Fields.STEP_SCORES, createArrayType(FloatType, false), true),
              createStructField(Fields.STEP_SPANS, createArrayType(SPAN, false), true),
              createStructField(Fields.REPEATED_STEPS, IntegerType, false),
              createStructField(Fields.LALP_NO_REPEATS, DoubleType, true),
              createStructField(Fields.CONFIG_HASH, StringType, false)));

  /** Columns that stay inside the job. */
  public static final List<String> INTERNAL =
      List.of(
          Fields.MODEL_TOKENS,
          Fields.CORRECT,
          Fields.TEXT_SHA,
          Fields.REUSED,
          ScoreRows.PARTS,
          Fields.INPUT);

  /** The row's score parts (what the incremental cache stores), or null for a row not scored. */
  public static final String PARTS = "_parts";

  /** The columns the step-score switch drops. */
  public static final List<String> STEP_COLUMNS = List.of(Fields.STEP_SCORES, Fields.STEP_SPANS);

  private ScoreRows() {}

  /** The scores dataset's schema for an input whose rows have the given struct type. */
  public static StructType schema(StructType input) {
    return WRITTEN
        .add(Fields.MODEL_TOKENS, LongType, false)
        .add(Fields.CORRECT, BooleanType, true)
        .add(Fields.TEXT_SHA, StringType, true)
        .add(Fields.REUSED, BooleanType, false)
        .add(PARTS, createArrayType(PartRows.SCHEMA, false), true)
        .add(Fields.INPUT, input, true);
  }

  public static Row toRow(ScoreRecord s, Row[] parts, Row input) {
    return RowFactory.create(
        s.responseId(),
        s.promptId(),
        s.teacher(),
        s.student(),
        s.lalp(),
        s.galp(),
        s.lalpByWindow() == null ? null : JavaConverters.mapAsScalaMap(s.lalpByWindow()),
        s.lalpDropFirst(),
        s.lalpSe(),
        s.stepsScored(),
        s.nTokens(),
        s.nSteps(),
        s.responseChars(),
        s.truncated(),
        s.status().code(),
        s.error(),
        boxed(s.stepScores()),
        spans(s.stepSpans()),
        s.repeatedSteps(),
        s.lalpNoRepeats(),
        s.configHash(),
        s.modelTokens(),
        s.correct(),
        s.textSha(),
        s.reused(),
        parts,
        input);
  }

  /**
   * A record back from a row of the scores dataset (or of scores/ as read, without the internal
   * columns).
   */
  public static ScoreRecord fromRow(Row r) {
    return new ScoreRecord(
        r.getAs(Fields.RESPONSE_ID),
        r.getAs(Fields.PROMPT_ID),
        r.getAs(Fields.TEACHER),
        r.getAs(Fields.STUDENT),
        r.getAs(Fields.LALP),
        r.getAs(Fields.GALP),
        byWindow(r),
        r.getAs(Fields.LALP_DROP_FIRST),
        r.getAs(Fields.LALP_SE),
        r.<Integer>getAs(Fields.STEPS_SCORED),
        r.<Integer>getAs(Fields.N_TOKENS),
        r.<Integer>getAs(Fields.N_STEPS),
        r.<Integer>getAs(Fields.RESPONSE_CHARS),
        r.<Boolean>getAs(Fields.TRUNCATED),
        RowStatus.ofCode(r.getAs(Fields.STATUS)),
        r.getAs(Fields.ERROR),
        floats(r, Fields.STEP_SCORES),
        spans(r),
        r.<Integer>getAs(Fields.REPEATED_STEPS),
        r.getAs(Fields.LALP_NO_REPEATS),
        r.getAs(Fields.CONFIG_HASH),
        has(r, Fields.MODEL_TOKENS) ? r.<Long>getAs(Fields.MODEL_TOKENS) : 0L,
        has(r, Fields.CORRECT) ? r.getAs(Fields.CORRECT) : null,
        has(r, Fields.TEXT_SHA) ? r.getAs(Fields.TEXT_SHA) : null,
        has(r, Fields.REUSED) && r.<Boolean>getAs(Fields.REUSED));
  }

  private static boolean has(Row r, String field) {
    return r.schema().getFieldIndex(field).isDefined();
  }

  private static Map<String, Double> byWindow(Row r) {
    scala.collection.Map<String, Double> m = r.getAs(Fields.LALP_BY_WINDOW);
    return m == null ? null : new LinkedHashMap<>(JavaConverters.mapAsJavaMap(m));
  }

  static Float[] boxed(float[] values) {
    if (values == null) {
      return null;
    }
    Float[] out = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  static Row[] spans(int[] interleaved) {
    if (interleaved == null) {
      return null;
    }
    Row[] out = new Row[interleaved.length / 2];
    for (int k = 0; k < out.length; k++) {
      out[k] = RowFactory.create(interleaved[2 * k], interleaved[2 * k + 1]);
    }
    return out;
  }

  static float[] floats(Row r, String field) {
    if (r.isNullAt(r.fieldIndex(field))) {
      return null;
    }
    List<Float> values = r.getList(r.fieldIndex(field));
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  static int[] spans(Row r) {
    int i = r.fieldIndex(Fields.STEP_SPANS);
    if (r.isNullAt(i)) {
      return null;
    }
    List<Row> spans = r.getList(i);
    List<Integer> out = new ArrayList<>();
    for (Row s : spans) {
      out.add(s.getInt(0));
      out.add(s.getInt(1));
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
