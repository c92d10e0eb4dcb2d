package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.naturalness.data.RowStatus;
import dev.naturalness.data.ScorePart;
import dev.naturalness.data.Strata;
import dev.naturalness.data.Stratum;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's committed score parts, written by {@link ParquetRows} outside Spark's writer, read back
 * by Spark with the cache's struct type: every value as it was, nested structs, lists and nulls
 * included.
 */
class ParquetRowsTest extends SparkTestBase {
  @TempDir Path tmp;

  static ScorePart part(String name, boolean sampled, boolean failed) {
    ScorePart.Builder b =
        new ScorePart.Builder()
            .part(name)
            .status(failed ? RowStatus.UNSCORABLE : RowStatus.OK)
            .error(failed ? "no token could be scored" : null)
            .value(failed ? null : -2.0625 + Math.ulp(2.0))
            .dropFirst(failed ? null : -1.5)
            .stepsScored(3)
            .nTokens(41)
            .nSteps(4)
            .truncated(failed)
            .stepScores(failed ? null : new float[] {-1.25f, -3.0e-7f, Float.MIN_VALUE})
            .stepSpans(failed ? null : new int[] {0, 10, 10, 25, 25, 41})
            .repeatedSteps(1)
            .noRepeats(failed ? null : -2.5)
            .modelTokens(123);
    if (sampled) {
      b.standardError(0.125).strata(new Strata(new Stratum(3, 2, 0.5), new Stratum(1, 1, 0.25)));
    }
    return b.build();
  }

  @Test
  void sparkReadsBackEveryValueOfTheCommittedParts() throws Exception {
    List<ScorePart> parts =
        List.of(
            part("galp", false, false), part("fraction=0.25", true, false), part("w", false, true));
    String file = tmp.resolve("task.parquet").toString();
    try (ParquetRows out =
        new ParquetRows(
            file, IncrementalCache.STORED, spark().sparkContext().hadoopConfiguration())) {
      for (ScorePart p : parts) {
        Row stored = PartRows.toRow(p, "hash-" + p.part());
        List<Object> values = new ArrayList<>(List.of("r-" + p.part(), "sha"));
        for (String f : PartRows.SCHEMA.fieldNames()) {
          values.add(stored.get(PartRows.SCHEMA.fieldIndex(f)));
        }
        out.write(RowFactory.create(values.toArray()));
      }
    }
    List<Row> back =
        spark()
            .read()
            .schema(IncrementalCache.STORED)
            .parquet(file)
            .orderBy("response_id")
            .collectAsList();
    assertEquals(3, back.size());
    for (Row r : back) {
      ScorePart want =
          parts.stream()
              .filter(p -> r.getAs("response_id").equals("r-" + p.part()))
              .findFirst()
              .orElseThrow();
      assertEquals("sha", r.getAs(IncrementalCache.TEXT_SHA));
      assertEquals("hash-" + want.part(), r.getAs(PartRows.PART_HASH));
      ScorePart got = PartRows.fromRow(r);
      assertEquals(want.status(), got.status());
      assertEquals(want.error(), got.error());
      assertEquals(want.value(), got.value());
      assertEquals(want.dropFirst(), got.dropFirst());
      assertEquals(want.standardError(), got.standardError());
      assertEquals(want.strata(), got.strata());
      assertArrayEquals(want.stepScores(), got.stepScores());
      assertArrayEquals(want.stepSpans(), got.stepSpans());
      assertEquals(want.noRepeats(), got.noRepeats());
      assertEquals(want.truncated(), got.truncated());
      assertEquals(want.nTokens(), got.nTokens());
      assertEquals(want.repeatedSteps(), got.repeatedSteps());
      assertEquals(0, got.modelTokens(), "a stored part is charged nothing now");
      if (want.value() == null) {
        assertNull(r.getAs("value"));
      }
    }
  }
}
