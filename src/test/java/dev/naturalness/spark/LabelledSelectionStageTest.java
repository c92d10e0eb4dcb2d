package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.data.Fields;
import dev.naturalness.report.SelectionVsLabels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The selection against correctness labels on scores made by hand: which prompts count, each
 * chooser's pick (ties to the smaller response_id, as the selection breaks them), random's exact
 * expectation, and the teachers' picks.
 */
class LabelledSelectionStageTest extends SparkTestBase {

  private final Map<String, Integer> tokens = new HashMap<>();

  private ScoreFixtures.Made made(
      String id, String prompt, String teacher, Double lalp, Double galp, Boolean correct, int n) {
    tokens.put(id, n);
    return new ScoreFixtures.Made(id, prompt, teacher, lalp, galp, "ok").withCorrect(correct);
  }

  private Dataset<Row> scores(List<ScoreFixtures.Made> made) {
    Column n = lit(0);
    for (Map.Entry<String, Integer> e : tokens.entrySet()) {
      n = when(col(Fields.RESPONSE_ID).equalTo(e.getKey()), e.getValue()).otherwise(n);
    }
    return ScoreFixtures.scores(spark(), made).withColumn(Fields.N_TOKENS, n);
  }

  @Test
  void eachChooserPicksWithoutTheLabelsOnPromptsWhoseCandidatesAreAllLabelled() {
    List<ScoreFixtures.Made> rows = new ArrayList<>();
    // p1: LALP picks a (correct), GALP b (wrong), shortest a, longest b; random 2/3.
    rows.add(made("a", "p1", "x", -1.0, -3.0, true, 5));
    rows.add(made("b", "p1", "y", -2.0, -1.0, false, 20));
    rows.add(made("c", "p1", "z", -3.0, -2.0, true, 10));
    // p2: a LALP tie goes to d (wrong); GALP picks e (correct); shortest e, longest d; random 1/2.
    rows.add(made("e", "p2", "x", -1.0, -0.5, true, 3));
    rows.add(made("d", "p2", "y", -1.0, -0.9, false, 7));
    // p3 has one candidate, p4 an unlabelled one: neither counts.
    rows.add(made("f", "p3", "x", -1.0, -1.0, true, 3));
    rows.add(made("g", "p4", "x", -1.0, -1.0, true, 3));
    rows.add(made("h", "p4", "y", -2.0, -1.0, null, 3));
    // An error row is no candidate: p5 counts with its two scored rows, both wrong.
    rows.add(made("i", "p5", "x", -1.0, null, false, 3));
    rows.add(made("j", "p5", "y", -2.0, null, false, 4));
    rows.add(new ScoreFixtures.Made("k", "p5", "z", null, null, "model_error").withCorrect(true));

    List<SelectionVsLabels> all = LabelledSelectionStage.measure(scores(rows));
    assertEquals(1, all.size());
    SelectionVsLabels s = all.get(0);
    assertEquals(3, s.prompts());
    assertEquals(7, s.candidates());
    assertEquals(3.0 / 7, s.pool().value(), 1e-12);
    Map<String, SelectionVsLabels.Choice> c = new HashMap<>();
    s.choices().forEach(x -> c.put(x.chooser(), x));
    double random = (2.0 / 3 + 0.5 + 0) / 3;
    assertEquals(1.0 / 3, c.get("lalp").rate().value(), 1e-12);
    assertEquals(1.0 / 3 - random, c.get("lalp").vsRandom().value(), 1e-12);
    // p5 has no GALP at all: GALP chose on two prompts (b wrong, e right).
    assertEquals(2, c.get("galp").prompts());
    assertEquals(0.5, c.get("galp").rate().value(), 1e-12);
    assertEquals(random, c.get("random").rate().value(), 1e-12);
    assertEquals(2.0 / 3, c.get("shortest").rate().value(), 1e-12); // a, e, i
    assertEquals(0.0, c.get("longest").rate().value(), 1e-12); // b, d, j
    assertEquals(2.0 / 3, c.get("best-possible").rate().value(), 1e-12);
    assertEquals(
        List.of("lalp", "galp", "random", "shortest", "longest", "best-possible"),
        s.choices().stream().map(SelectionVsLabels.Choice::chooser).toList());

    Map<String, SelectionVsLabels.TeacherLabels> t = new HashMap<>();
    s.teachers().forEach(x -> t.put(x.teacher(), x));
    // Teacher x: labelled ok rows a, e, f, g, i (4 correct); its LALP picks a, i; GALP pick e.
    assertEquals(5, t.get("x").responses());
    assertEquals(0.8, t.get("x").correct().value(), 1e-12);
    assertEquals(new SelectionVsLabels.Picks(2, 1), t.get("x").picks().get("lalp"));
    assertEquals(new SelectionVsLabels.Picks(1, 1), t.get("x").picks().get("galp"));
    assertEquals(new SelectionVsLabels.Picks(1, 0), t.get("y").picks().get("lalp"));
    assertTrue(t.get("z").picks().isEmpty());
  }

  @Test
  void aCorpusWithoutLabelsGivesNothing() {
    List<ScoreFixtures.Made> rows =
        List.of(
            made("a", "p1", "x", -1.0, -1.0, null, 3), made("b", "p1", "y", -2.0, -1.0, null, 4));
    assertTrue(LabelledSelectionStage.measure(scores(rows)).isEmpty());
  }
}
