package dev.naturalness.spark;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import dev.naturalness.data.RowStatus;
import dev.naturalness.data.ScorePart;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * One {@link ScorePart} as a struct, in one table (scores keep their parts internally; the
 * incremental cache stores them): its columns are {@link ScorePart#COLUMNS}, with the hash it is
 * stored under second.
 */
public final class PartRows {
  public static final String PART_HASH = "part_hash";

  /** A part and the hash of what it depends on. */
  record Stored(ScorePart part, String hash) {}

  /** Builds a stored part back; its hash is checked by {@link #byName}, not kept. */
  static final class Builder {
    final ScorePart.Builder part = new ScorePart.Builder();

    ScorePart build() {
      // A stored part ran in an earlier run: it is charged no model tokens now.
      return part.modelTokens(0).build();
    }
  }

  private static final ColumnTable<Stored, Builder> TABLE =
      new ColumnTable<>(
          List.of(
              col(
                  "part",
                  StringType,
                  false,
                  s -> s.part().part(),
                  (b, v) -> b.part.part((String) v)),
              col(PART_HASH, StringType, false, Stored::hash, (b, v) -> {}),
              col(
                  "status",
                  StringType,
                  false,
                  s -> s.part().status().code(),
                  (b, v) -> b.part.status(RowStatus.ofCode((String) v))),
              col(
                  "error",
                  StringType,
                  true,
                  s -> s.part().error(),
                  (b, v) -> b.part.error((String) v)),
              col(
                  "value",
                  DoubleType,
                  true,
                  s -> s.part().value(),
                  (b, v) -> b.part.value((Double) v)),
              col(
                  "drop_first",
                  DoubleType,
                  true,
                  s -> s.part().dropFirst(),
                  (b, v) -> b.part.dropFirst((Double) v)),
              col(
                  "se",
                  DoubleType,
                  true,
                  s -> s.part().standardError(),
                  (b, v) -> b.part.standardError((Double) v)),
              col(
                  "strata",
                  SparkValues.STRATA,
                  true,
                  s -> SparkValues.strata(s.part().strata()),
                  (b, v) -> b.part.strata(SparkValues.strata(v))),
              col(
                  "steps_scored",
                  IntegerType,
                  false,
                  s -> s.part().stepsScored(),
                  (b, v) -> b.part.stepsScored((Integer) v)),
              col(
                  "n_tokens",
                  IntegerType,
                  false,
                  s -> s.part().nTokens(),
                  (b, v) -> b.part.nTokens((Integer) v)),
              col(
                  "n_steps",
                  IntegerType,
                  false,
                  s -> s.part().nSteps(),
                  (b, v) -> b.part.nSteps((Integer) v)),
              col(
                  "truncated",
                  BooleanType,
                  false,
                  s -> s.part().truncated(),
                  (b, v) -> b.part.truncated((Boolean) v)),
              col(
                  "step_scores",
                  createArrayType(FloatType, false),
                  true,
                  s -> SparkValues.boxed(s.part().stepScores()),
                  (b, v) -> b.part.stepScores(SparkValues.floats(v))),
              col(
                  "step_spans",
                  createArrayType(SparkValues.SPAN, false),
                  true,
                  s -> SparkValues.spans(s.part().stepSpans()),
                  (b, v) -> b.part.stepSpans(SparkValues.spans(v))),
              col(
                  "repeated_steps",
                  IntegerType,
                  false,
                  s -> s.part().repeatedSteps(),
                  (b, v) -> b.part.repeatedSteps((Integer) v)),
              col(
                  "no_repeats",
                  DoubleType,
                  true,
                  s -> s.part().noRepeats(),
                  (b, v) -> b.part.noRepeats((Double) v)),
              col(
                  "model_tokens",
                  LongType,
                  false,
                  s -> s.part().modelTokens(),
                  (b, v) -> b.part.modelTokens((Long) v))),
          Builder::new,
          b -> new Stored(b.build(), null));

  public static final StructType SCHEMA = TABLE.schema();

  /** Statuses that depend only on the text and the definition, and so may be reused. */
  public static final List<String> REUSABLE =
      List.of(RowStatus.OK.code(), RowStatus.UNSCORABLE.code());

  private PartRows() {}

  private static ColumnTable.Column<Stored, Builder> col(
      String name,
      DataType type,
      boolean nullable,
      ColumnTable.Reader<Stored> read,
      ColumnTable.Writer<Builder> write) {
    return new ColumnTable.Column<>(name, type, nullable, read, write);
  }

  public static Row toRow(ScorePart p, String partHash) {
    return TABLE.toRow(new Stored(p, partHash));
  }

  /** A stored part, charged no model tokens (it ran in an earlier run). */
  public static ScorePart fromRow(Row r) {
    return TABLE.fromRow(r).part();
  }

  /** Stored parts by part name, those whose hash is one of {@code wanted} (name to hash). */
  public static Map<String, ScorePart> byName(List<Row> stored, Map<String, String> wanted) {
    Map<String, ScorePart> out = new LinkedHashMap<>();
    if (stored == null) {
      return out;
    }
    for (Row r : stored) {
      String name = r.getAs("part");
      if (r.<String>getAs(PART_HASH).equals(wanted.get(name))) {
        out.put(name, fromRow(r));
      }
    }
    return out;
  }
}
