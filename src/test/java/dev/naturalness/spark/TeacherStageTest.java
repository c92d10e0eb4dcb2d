package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.naturalness.config.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Per-prompt picks, win rates and the report's LALP/GALP disagreements, each computed in a single
 * Spark pass, against the same rules applied here row by row: the highest value wins, ties go to
 * the smaller response_id, rows without the metric or not ok take no part.
 */
class TeacherStageTest extends SparkTestBase {
  private static final String[] TEACHERS = {"t0", "t1", "t2", "t3"};

  /** One made-up score row. */
  private record Made(
      String responseId,
      String promptId,
      String teacher,
      Double lalp,
      Double galp,
      String status) {}

  /**
   * 400 rows over 60 prompts; values on a coarse grid so that many tie, some GALP missing, some
   * errors.
   */
  private static List<Made> made() {
    Random random = new Random(11);
    List<Made> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String prompt = String.format(Locale.ROOT, "p%02d", random.nextInt(60));
      String teacher = TEACHERS[random.nextInt(TEACHERS.length)];
      boolean ok = random.nextInt(10) > 0;
      Double lalp = ok ? -1 - random.nextInt(4) * 0.5 : null;
      Double galp = ok && random.nextInt(6) > 0 ? -2 - random.nextInt(3) * 0.25 : null;
      // response ids not in row order, so that the tie rule is visible
      rows.add(
          new Made(
              String.format(Locale.ROOT, "r%03d", (i * 37) % 400),
              prompt,
              teacher,
              lalp,
              galp,
              ok ? Status.OK : Status.MODEL_ERROR));
    }
    return rows;
  }

  private Dataset<Row> scores(List<Made> rows) {
    List<Row> out = new ArrayList<>();
    for (Made m : rows) {
      Object[] full = new Object[ScoreStage.SCHEMA.size()];
      full[ScoreStage.SCHEMA.fieldIndex(Fields.RESPONSE_ID)] = m.responseId();
      full[ScoreStage.SCHEMA.fieldIndex(Fields.PROMPT_ID)] = m.promptId();
      full[ScoreStage.SCHEMA.fieldIndex(Fields.TEACHER)] = m.teacher();
      full[ScoreStage.SCHEMA.fieldIndex(Fields.LALP)] = m.lalp();
      full[ScoreStage.SCHEMA.fieldIndex(Fields.GALP)] = m.galp();
      full[ScoreStage.SCHEMA.fieldIndex(Fields.N_TOKENS)] = 1;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.N_STEPS)] = 1;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.TRUNCATED)] = false;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.STATUS)] = m.status();
      full[ScoreStage.SCHEMA.fieldIndex(Fields.STUDENT)] = "s";
      full[ScoreStage.SCHEMA.fieldIndex(Fields.CONFIG_HASH)] = "h";
      full[ScoreStage.SCHEMA.fieldIndex(Fields.MODEL_TOKENS)] = 1L;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.ROW)] = 0L;
      full[ScoreStage.SCHEMA.fieldIndex(Fields.REUSED)] = false;
      out.add(RowFactory.create(full));
    }
    return spark().createDataFrame(out, ScoreStage.SCHEMA).repartition(3);
  }

  private static Double value(Made m, String metric) {
    return metric.equals(Fields.LALP) ? m.lalp() : m.galp();
  }

  /**
   * Per prompt, the winning row by the rule, among ok rows that have the metric (and, if asked,
   * both metrics).
   */
  private static Map<String, Made> winners(List<Made> rows, String metric, boolean needBoth) {
    Map<String, Made> best = new TreeMap<>();
    Comparator<Made> rule =
        Comparator.comparing((Made m) -> -value(m, metric)).thenComparing(Made::responseId);
    for (Made m : rows) {
      if (!Status.OK.equals(m.status())
          || value(m, metric) == null
          || (needBoth && (m.lalp() == null || m.galp() == null))) {
        continue;
      }
      best.merge(m.promptId(), m, (a, b) -> rule.compare(a, b) <= 0 ? a : b);
    }
    return best;
  }

  @Test
  void eachPromptsPickIsItsHighestValueWithTiesToTheSmallerResponseId() {
    List<Made> rows = made();
    List<Row> picks =
        TeacherStage.picksPerPrompt(
                scores(rows)
                    .filter(org.apache.spark.sql.functions.col(Fields.STATUS).equalTo(Status.OK)))
            .collectAsList();
    Map<String, Made> lalp = winners(rows, Fields.LALP, false);
    Map<String, Made> galp = winners(rows, Fields.GALP, false);
    assertEquals(lalp.size(), picks.size());
    for (Row r : picks) {
      String prompt = r.getAs(Fields.PROMPT_ID);
      Row l = r.getAs(TeacherStage.LALP_PICK);
      assertEquals(lalp.get(prompt).responseId(), l.getAs(Fields.RESPONSE_ID), prompt);
      assertEquals(lalp.get(prompt).teacher(), l.getAs(Fields.TEACHER), prompt);
      assertEquals(lalp.get(prompt).lalp(), (Double) l.getAs("value"), prompt);
      Row g = r.getAs(TeacherStage.GALP_PICK);
      if (!galp.containsKey(prompt)) {
        assertNull(g, prompt + " has no response with GALP");
        continue;
      }
      assertEquals(galp.get(prompt).responseId(), g.getAs(Fields.RESPONSE_ID), prompt);
      assertEquals(galp.get(prompt).galp(), (Double) g.getAs("value"), prompt);
    }
    long ties =
        lalp.values().stream()
            .filter(
                w ->
                    rows.stream()
                        .anyMatch(
                            m ->
                                !m.responseId().equals(w.responseId())
                                    && Status.OK.equals(m.status())
                                    && m.promptId().equals(w.promptId())
                                    && w.lalp().equals(m.lalp())))
            .count();
    Assertions.assertTrue(ties > 10, "the data has ties at the top: " + ties);
  }

  @Test
  void teacherTableCountsRowsAndWinsByTheRule() {
    List<Made> rows = made();
    List<Row> table =
        TeacherStage.aggregateTeachers(spark(), scores(rows), new Settings.Teachers(50, 7))
            .collectAsList();
    assertEquals(TEACHERS.length, table.size());
    for (String metric : TeacherStage.METRICS) {
      Map<String, Long> wins = new HashMap<>();
      winners(rows, metric, false).values().forEach(w -> wins.merge(w.teacher(), 1L, Long::sum));
      for (Row t : table) {
        String teacher = t.getAs(Fields.TEACHER);
        List<Made> own = rows.stream().filter(m -> m.teacher().equals(teacher)).toList();
        List<Made> scored = own.stream().filter(m -> Status.OK.equals(m.status())).toList();
        long prompts =
            scored.stream()
                .filter(m -> value(m, metric) != null)
                .map(Made::promptId)
                .distinct()
                .count();
        assertEquals((long) own.size(), (long) t.getAs("n_responses"), teacher);
        assertEquals((long) scored.size(), (long) t.getAs("n_scored"), teacher);
        assertEquals((long) (own.size() - scored.size()), (long) t.getAs("n_errors"), teacher);
        assertEquals(prompts, (long) t.getAs(metric + "_prompts"), teacher + " " + metric);
        assertEquals(
            (double) wins.getOrDefault(teacher, 0L) / prompts,
            (Double) t.getAs(metric + "_win_rate"),
            1e-12,
            teacher + " " + metric + " win rate");
        double mean =
            scored.stream()
                .filter(m -> value(m, metric) != null)
                .mapToDouble(m -> value(m, metric))
                .average()
                .orElseThrow();
        assertEquals(
            mean, (Double) t.getAs(metric + "_mean"), 1e-12, teacher + " " + metric + " mean");
      }
    }
  }

  @Test
  void reportDisagreementsCompareThePicksAmongResponsesScoredByBoth() {
    List<Made> rows = made();
    Dataset<Row> ok =
        scores(rows).filter(org.apache.spark.sql.functions.col(Fields.STATUS).equalTo(Status.OK));
    ReportStage.Disagreements d = ReportStage.disagreements(ok);
    Map<String, Made> lalp = winners(rows, Fields.LALP, true);
    Map<String, Made> galp = winners(rows, Fields.GALP, true);
    Map<List<String>, Long> pairs = new HashMap<>();
    List<String> differing = new ArrayList<>();
    for (String prompt : lalp.keySet()) {
      String a = lalp.get(prompt).teacher();
      String b = galp.get(prompt).teacher();
      if (!a.equals(b)) {
        pairs.merge(List.of(a, b), 1L, Long::sum);
        differing.add(prompt);
      }
    }
    assertEquals(lalp.size(), d.compared());
    assertEquals(differing.size(), d.prompts());
    Assertions.assertTrue(
        d.prompts() > ReportStage.DISAGREEMENT_SAMPLE,
        "enough disagreements to cut the sample: " + d.prompts());
    List<Map.Entry<List<String>, Long>> expectedPairs = new ArrayList<>(pairs.entrySet());
    expectedPairs.sort(
        Comparator.comparing((Map.Entry<List<String>, Long> e) -> -e.getValue())
            .thenComparing(e -> e.getKey().get(0))
            .thenComparing(e -> e.getKey().get(1)));
    assertEquals(Math.min(ReportStage.PAIRS, expectedPairs.size()), d.pairs().size());
    for (int i = 0; i < d.pairs().size(); i++) {
      Map<String, Object> p = d.pairs().get(i);
      assertEquals(
          expectedPairs.get(i).getKey(),
          List.of(p.get("lalp_teacher"), p.get("galp_teacher")),
          "pair " + i);
      assertEquals(expectedPairs.get(i).getValue(), p.get("prompts"), "pair " + i);
    }
    assertEquals(
        differing.subList(0, ReportStage.DISAGREEMENT_SAMPLE),
        d.sample().stream().map(s -> s.get("prompt_id")).toList());
    for (Map<String, Object> s : d.sample()) {
      Made l = lalp.get((String) s.get("prompt_id"));
      Made g = galp.get((String) s.get("prompt_id"));
      assertEquals(
          List.of(l.teacher(), l.lalp(), g.teacher(), g.galp()),
          List.of(s.get("lalp_teacher"), s.get("lalp"), s.get("galp_teacher"), s.get("galp")));
    }
  }
}
