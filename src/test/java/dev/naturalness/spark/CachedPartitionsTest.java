package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.naturalness.config.Settings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The datasets the job caches keep as many partitions as their source, whatever
 * spark.sql.shuffle.partitions says: Spark 3.5 does not coalesce shuffle partitions inside a cached
 * plan, and on a small run each empty partition costs every later pass a task.
 */
class CachedPartitionsTest extends SparkTestBase {

  @Test
  void canonicalRowsAndTheSelectionKeepTheirSourcesPartitions() {
    String before = spark().conf().get("spark.sql.shuffle.partitions");
    spark().conf().set("spark.sql.shuffle.partitions", "200");
    try {
      Settings.Input input =
          new Settings.Input(
              "src/main/resources/demo/corpus.jsonl", "json", SelectStageTest.COLUMNS);
      Dataset<Row> raw = CorpusReader.readCorpus(spark(), input, "json");
      int inputPartitions = raw.rdd().getNumPartitions();
      Dataset<Row> canonical =
          CorpusReader.canonicalRows(raw, input.columns()).persist(StorageLevel.MEMORY_ONLY());
      long rows = canonical.count();
      assertEquals(inputPartitions, canonical.rdd().getNumPartitions(), "canonical rows");
      assertEquals(
          rows,
          canonical.filter(col(Fields.DUPLICATE).equalTo(false)).count()
              + canonical.filter(col(Fields.DUPLICATE)).count());

      // Scores made from the canonical rows in three partitions, as a scoring stage would give
      // them.
      Dataset<Row> scores =
          canonical
              .select(
                  col(Fields.RESPONSE_ID),
                  col(Fields.PROMPT_ID),
                  col(Fields.TEACHER),
                  col(Fields.ROW).cast("double").multiply(-0.01).as(Fields.LALP),
                  lit(-1.0).as(Fields.GALP),
                  lit(Status.OK).as(Fields.STATUS),
                  col(Fields.CORRECT),
                  col(Fields.ROW))
              .repartition(3);
      Dataset<Row> selected =
          SelectStage.selectResponses(scores, raw, new Settings.Select(1, false), input.columns())
              .persist(StorageLevel.MEMORY_ONLY());
      long prompts = canonical.select(Fields.PROMPT_ID).distinct().count();
      assertEquals(prompts, selected.count());
      Assertions.assertTrue(
          selected.rdd().getNumPartitions() <= 3,
          "selection in " + selected.rdd().getNumPartitions() + " partitions");
      canonical.unpersist();
      selected.unpersist();
    } finally {
      spark().conf().set("spark.sql.shuffle.partitions", before);
    }
  }
}
