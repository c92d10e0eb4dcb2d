package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.naturalness.config.Settings;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Selection rules on scores made by hand: exact ties, the correctness filter, error rows. */
class SelectStageTest extends SparkTestBase {
  static final Settings.Columns COLUMNS =
      new Settings.Columns(
          "prompt_id", "prompt", "teacher", "response", "response_id", "correct", "steps");

  Dataset<Row> scores(Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      // response_id, prompt_id, teacher, lalp, status, correct, _row
      Object[] full = new Object[ScoreStage.SCHEMA.size()];
      full[ScoreStage.SCHEMA.fieldIndex("response_id")] = r[0];
      full[ScoreStage.SCHEMA.fieldIndex("prompt_id")] = r[1];
      full[ScoreStage.SCHEMA.fieldIndex("teacher")] = r[2];
      full[ScoreStage.SCHEMA.fieldIndex("lalp")] = r[3];
      full[ScoreStage.SCHEMA.fieldIndex("galp")] = r[3] == null ? null : (Double) r[3] - 1;
      full[ScoreStage.SCHEMA.fieldIndex("n_tokens")] = 1;
      full[ScoreStage.SCHEMA.fieldIndex("n_steps")] = 1;
      full[ScoreStage.SCHEMA.fieldIndex("truncated")] = false;
      full[ScoreStage.SCHEMA.fieldIndex("status")] = r[4];
      full[ScoreStage.SCHEMA.fieldIndex("student")] = "s";
      full[ScoreStage.SCHEMA.fieldIndex("config_hash")] = "h";
      full[ScoreStage.SCHEMA.fieldIndex("model_tokens")] = 1L;
      full[ScoreStage.SCHEMA.fieldIndex("correct")] = r[5];
      full[ScoreStage.SCHEMA.fieldIndex("_row")] = r[6];
      full[ScoreStage.SCHEMA.fieldIndex("_reused")] = false;
      out.add(RowFactory.create(full));
    }
    return spark().createDataFrame(out, ScoreStage.SCHEMA);
  }

  Dataset<Row> input(int rows) {
    StructType schema =
        new StructType()
            .add("prompt_id", DataTypes.StringType)
            .add("response_id", DataTypes.StringType)
            .add("extra", DataTypes.IntegerType)
            .add("_row", DataTypes.LongType);
    List<Row> out = new ArrayList<>();
    String[] ids = {"b", "a", "c", "d", "e"};
    for (int i = 0; i < rows; i++) {
      out.add(RowFactory.create(i < 3 ? "p" : "q", ids[i], 100 + i, (long) i));
    }
    return spark().createDataFrame(out, schema);
  }

  List<String> selectedIds(Dataset<Row> scores, int topK, boolean requireCorrect) {
    List<String> ids = new ArrayList<>();
    List<Row> rows =
        new ArrayList<>(
            SelectStage.selectResponses(
                    scores, input(5), new Settings.Select(topK, requireCorrect), COLUMNS)
                .collectAsList());
    rows.sort(
        java.util.Comparator.comparing((Row r) -> (String) r.getAs("prompt_id"))
            .thenComparing(r -> (Integer) r.getAs("selection_rank")));
    for (Row r : rows) {
      ids.add(r.getAs("response_id") + "@" + r.getAs("selection_rank") + ":" + r.getAs("extra"));
    }
    return ids;
  }

  @Test
  void anExactTieGoesToTheSmallerResponseId() {
    Dataset<Row> s =
        scores(
            new Object[] {"b", "p", "t1", -1.0, "ok", true, 0L},
            new Object[] {"a", "p", "t2", -1.0, "ok", true, 1L},
            new Object[] {"c", "p", "t3", -2.0, "ok", true, 2L});
    assertEquals(List.of("a@1:101"), selectedIds(s, 1, true));
    assertEquals(List.of("a@1:101", "b@2:100", "c@3:102"), selectedIds(s, 3, true));
  }

  @Test
  void wrongAnswersAndErrorRowsNeverWin() {
    Dataset<Row> s =
        scores(
            new Object[] {"b", "p", "t1", -0.5, "ok", false, 0L},
            new Object[] {"a", "p", "t2", -0.1, "model_error", true, 1L},
            new Object[] {"c", "p", "t3", -2.0, "ok", null, 2L},
            new Object[] {"d", "q", "t1", -3.0, "ok", false, 3L});
    assertEquals(List.of("c@1:102"), selectedIds(s, 1, true));
    assertEquals(List.of("b@1:100", "d@1:103"), selectedIds(s, 1, false));
  }
}
