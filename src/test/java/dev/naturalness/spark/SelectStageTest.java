package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.naturalness.config.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Selection rules on scores made by hand: exact ties, the correctness filter, error rows, students.
 */
class SelectStageTest extends SparkTestBase {

  List<String> selectedIds(List<ScoreFixtures.Made> made, int topK, boolean requireCorrect) {
    Dataset<Row> scores = ScoreFixtures.scores(spark(), made);
    List<Row> rows =
        new ArrayList<>(
            SelectStage.forWriting(
                    SelectStage.selectResponses(
                        scores, null, Inputs.select(topK, requireCorrect), Settings.Shape.FLAT),
                    made.size(),
                    1000)
                .collectAsList());
    rows.sort(
        Comparator.comparing((Row r) -> (String) r.getAs("student"))
            .thenComparing(r -> (String) r.getAs("prompt_id"))
            .thenComparing(r -> (Integer) r.getAs("selection_rank")));
    List<String> ids = new ArrayList<>();
    for (Row r : rows) {
      ids.add(r.getAs("response_id") + "@" + r.getAs("selection_rank") + ":" + r.getAs("extra"));
    }
    return ids;
  }

  static ScoreFixtures.Made made(
      String id, String prompt, double lalp, String status, Boolean correct, int extra) {
    return new ScoreFixtures.Made(id, prompt, "t" + extra, lalp, lalp - 1, status)
        .withCorrect(correct)
        .withExtra(extra);
  }

  @Test
  void anExactTieGoesToTheSmallerResponseId() {
    List<ScoreFixtures.Made> s =
        List.of(
            made("b", "p", -1.0, "ok", true, 100),
            made("a", "p", -1.0, "ok", true, 101),
            made("c", "p", -2.0, "ok", true, 102));
    assertEquals(List.of("a@1:101"), selectedIds(s, 1, true));
    assertEquals(List.of("a@1:101", "b@2:100", "c@3:102"), selectedIds(s, 3, true));
  }

  @Test
  void wrongAnswersAndErrorRowsNeverWin() {
    List<ScoreFixtures.Made> s =
        List.of(
            made("b", "p", -0.5, "ok", false, 100),
            made("a", "p", -0.1, "model_error", true, 101),
            made("c", "p", -2.0, "ok", null, 102),
            made("d", "q", -3.0, "ok", false, 103));
    assertEquals(List.of("c@1:102"), selectedIds(s, 1, true));
    assertEquals(List.of("b@1:100", "d@1:103"), selectedIds(s, 1, false));
  }

  @Test
  void eachStudentSelectsOnItsOwnScores() {
    List<ScoreFixtures.Made> s =
        List.of(
            made("a", "p", -1.0, "ok", true, 1).withStudent("small"),
            made("b", "p", -2.0, "ok", true, 2).withStudent("small"),
            made("a", "p", -2.0, "ok", true, 1).withStudent("large"),
            made("b", "p", -1.0, "ok", true, 2).withStudent("large"));
    assertEquals(List.of("b@1:2", "a@1:1"), selectedIds(s, 1, true));
  }
}
