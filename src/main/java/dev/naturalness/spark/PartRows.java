package dev.naturalness.spark;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import dev.naturalness.data.RowStatus;
import dev.naturalness.data.ScorePart;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The schema of one {@link ScorePart} as a struct (scores keep their parts internally; the
 * incremental cache stores them), and its conversion, in one place.
 */
public final class PartRows {
  public static final String PART_HASH = "part_hash";

  public static final StructType SCHEMA =
      createStructType(
          List.of(
              createStructField("part", StringType, false),
              createStructField(PART_HASH, StringType, false),
              createStructField("status", StringType, false),
              createStructField("error", StringType, true),
              createStructField("value", DoubleType, true),
              createStructField("drop_first", DoubleType, true),
              createStructField("se", DoubleType, true),
              createStructField("steps_scored", IntegerType, false),
              createStructField("n_tokens", IntegerType, false),
              createStructField("n_steps", IntegerType, false),
              createStructField("truncated", BooleanType, false),
              createStructField("step_scores", createArrayType(FloatType, false), true),
              createStructField("step_spans", createArrayType(ScoreRows.SPAN, false), true),
              createStructField("repeated_steps", IntegerType, false),
              createStructField("no_repeats", DoubleType, true),
              createStructField("model_tokens", LongType, false)));

  /** Statuses that depend only on the text and the definition, and so may be reused. */
  public static final List<String> REUSABLE =
      List.of(RowStatus.OK.code(), RowStatus.UNSCORABLE.code());

  private PartRows() {}

  public static Row toRow(ScorePart p, String partHash) {
    return RowFactory.create(
        p.part(),
        partHash,
        p.status().code(),
        p.error(),
        p.value(),
        p.dropFirst(),
        p.standardError(),
        p.stepsScored(),
        p.nTokens(),
        p.nSteps(),
        p.truncated(),
        ScoreRows.boxed(p.stepScores()),
        ScoreRows.spans(p.stepSpans()),
        p.repeatedSteps(),
        p.noRepeats(),
        p.modelTokens());
  }

  /** A stored part, charged no model tokens (it ran in an earlier run). */
  public static ScorePart fromRow(Row r) {
    return new ScorePart(
        r.getString(0),
        RowStatus.ofCode(r.getString(2)),
        r.getString(3),
        (Double) r.get(4),
        (Double) r.get(5),
        (Double) r.get(6),
        r.getInt(7),
        r.getInt(8),
        r.getInt(9),
        r.getBoolean(10),
        ScoreRows.floats(r, "step_scores"),
        spans(r),
        r.getInt(13),
        (Double) r.get(14),
        0L);
  }

  private static int[] spans(Row r) {
    if (r.isNullAt(12)) {
      return null;
    }
    List<Row> spans = r.getList(12);
    int[] out = new int[spans.size() * 2];
    for (int k = 0; k < spans.size(); k++) {
      out[2 * k] = spans.get(k).getInt(0);
      out[2 * k + 1] = spans.get(k).getInt(1);
    }
    return out;
  }

  /** Stored parts by part name, those whose hash is one of {@code wanted} (name to hash). */
  public static Map<String, ScorePart> byName(List<Row> stored, Map<String, String> wanted) {
    Map<String, ScorePart> out = new LinkedHashMap<>();
    if (stored == null) {
      return out;
    }
    for (Row r : stored) {
      String name = r.getString(0);
      if (r.getString(1).equals(wanted.get(name))) {
        out.put(name, fromRow(r));
      }
    }
    return out;
  }
}
