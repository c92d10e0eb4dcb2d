package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import java.util.ArrayList;
import java.util.List;
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
      Settings.Input input = Inputs.flat("src/main/resources/demo/corpus.jsonl", "json");
      Dataset<Row> raw = Inputs.read(spark(), input);
      int inputPartitions = raw.rdd().getNumPartitions();
      Dataset<Row> canonical =
          CorpusReader.canonicalRows(raw, input, "paragraph").persist(StorageLevel.MEMORY_ONLY());
      long rows = canonical.count();
      assertEquals(inputPartitions, canonical.rdd().getNumPartitions(), "canonical rows");
      assertEquals(rows, canonical.filter(col(Fields.DUPLICATE).equalTo("NONE")).count());

      // Scores made in three partitions, as a scoring stage would give them.
      List<ScoreFixtures.Made> made = new ArrayList<>();
      for (Row r :
          canonical.select(Fields.RESPONSE_ID, Fields.PROMPT_ID, Fields.TEACHER).collectAsList()) {
        made.add(
            new ScoreFixtures.Made(
                r.getString(0),
                r.getString(1),
                r.getString(2),
                -1.0 - made.size() * 0.01,
                -1.0,
                "ok"));
      }
      Dataset<Row> scores = ScoreFixtures.scores(spark(), made).repartition(3);
      Dataset<Row> selected =
          SelectStage.selectResponses(scores, null, Inputs.select(1, false), Settings.Shape.FLAT)
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
