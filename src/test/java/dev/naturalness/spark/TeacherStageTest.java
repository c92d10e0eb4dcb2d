package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Metric;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.report.ReportData;
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
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Per-prompt picks, win rates and the report's LALP/GALP disagreements, each computed in a single
 * Spark pass, against the same rules applied here row by row: the highest value wins, ties go to
 * the smaller response_id, rows without the metric or not ok take no part.
 */
class TeacherStageTest extends SparkTestBase {
  private static final String[] TEACHERS = {"t0", "t1", "t2", "t3"};

  /**
   * 400 rows over 60 prompts; values on a coarse grid so that many tie, some GALP missing, some
   * errors.
   */
  private static List<ScoreFixtures.Made> made() {
    Random random = new Random(11);
    List<ScoreFixtures.Made> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String prompt = String.format(Locale.ROOT, "p%02d", random.nextInt(60));
      String teacher = TEACHERS[random.nextInt(TEACHERS.length)];
      boolean ok = random.nextInt(10) > 0;
      Double lalp = ok ? -1 - random.nextInt(4) * 0.5 : null;
      Double galp = ok && random.nextInt(6) > 0 ? -2 - random.nextInt(3) * 0.25 : null;
      // response ids not in row order, so that the tie rule is visible
      rows.add(
          new ScoreFixtures.Made(
              String.format(Locale.ROOT, "r%03d", (i * 37) % 400),
              prompt,
              teacher,
              lalp,
              galp,
              ok ? "ok" : "model_error"));
    }
    return rows;
  }

  private Dataset<Row> scores(List<ScoreFixtures.Made> rows) {
    return ScoreFixtures.scores(spark(), rows).repartition(3);
  }

  private static Double value(ScoreFixtures.Made m, String metric) {
    return metric.equals(Fields.LALP) ? m.lalp() : m.galp();
  }

  /**
   * Per prompt, the winning row by the rule, among ok rows that have the metric (and, if asked,
   * both metrics).
   */
  private static Map<String, ScoreFixtures.Made> winners(
      List<ScoreFixtures.Made> rows, String metric, boolean needBoth) {
    Map<String, ScoreFixtures.Made> best = new TreeMap<>();
    Comparator<ScoreFixtures.Made> rule =
        Comparator.comparing((ScoreFixtures.Made m) -> -value(m, metric))
            .thenComparing(ScoreFixtures.Made::responseId);
    for (ScoreFixtures.Made m : rows) {
      if (!"ok".equals(m.status())
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
    List<ScoreFixtures.Made> rows = made();
    List<Row> picks =
        TeacherStage.picksPerPrompt(
                scores(rows)
                    .filter(org.apache.spark.sql.functions.col(Fields.STATUS).equalTo("ok")))
            .collectAsList();
    Map<String, ScoreFixtures.Made> lalp = winners(rows, Fields.LALP, false);
    Map<String, ScoreFixtures.Made> galp = winners(rows, Fields.GALP, false);
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
                                    && "ok".equals(m.status())
                                    && m.promptId().equals(w.promptId())
                                    && w.lalp().equals(m.lalp())))
            .count();
    Assertions.assertTrue(ties > 10, "the data has ties at the top: " + ties);
  }

  @Test
  void teacherTableCountsRowsAndWinsByTheRule() {
    List<ScoreFixtures.Made> rows = made();
    List<TeacherSummary> table =
        TeacherStage.aggregateTeachers(
            scores(rows), new Settings.Teachers(50, 7), List.of("fraction=0.25"));
    assertEquals(TEACHERS.length, table.size());
    for (String metric : new String[] {Fields.LALP, Fields.GALP}) {
      Map<String, Long> wins = new HashMap<>();
      winners(rows, metric, false).values().forEach(w -> wins.merge(w.teacher(), 1L, Long::sum));
      for (TeacherSummary t : table) {
        String teacher = t.teacher();
        TeacherSummary.MetricStatistics s = t.of(Metric.of(metric));
        List<ScoreFixtures.Made> own =
            rows.stream().filter(m -> m.teacher().equals(teacher)).toList();
        List<ScoreFixtures.Made> scored =
            own.stream().filter(m -> "ok".equals(m.status())).toList();
        long prompts =
            scored.stream()
                .filter(m -> value(m, metric) != null)
                .map(ScoreFixtures.Made::promptId)
                .distinct()
                .count();
        assertEquals(own.size(), t.responses(), teacher);
        assertEquals(scored.size(), t.scored(), teacher);
        assertEquals(own.size() - scored.size(), t.errors(), teacher);
        assertEquals(prompts, s.prompts(), teacher + " " + metric);
        assertEquals(
            (double) wins.getOrDefault(teacher, 0L) / prompts,
            s.winRate(),
            1e-12,
            teacher + " " + metric + " wins");
        double mean =
            scored.stream()
                .filter(m -> value(m, metric) != null)
                .mapToDouble(m -> value(m, metric))
                .average()
                .orElseThrow();
        assertEquals(mean, s.mean(), 1e-12, teacher + " " + metric + " mean");
      }
    }
  }

  @Test
  void reportDisagreementsCompareThePicksAmongResponsesScoredByBoth() {
    List<ScoreFixtures.Made> rows = made();
    Dataset<Row> ok =
        scores(rows).filter(org.apache.spark.sql.functions.col(Fields.STATUS).equalTo("ok"));
    ReportData.Disagreements d = ReportStage.disagreements(ok).get("s");
    Map<String, ScoreFixtures.Made> lalp = winners(rows, Fields.LALP, true);
    Map<String, ScoreFixtures.Made> galp = winners(rows, Fields.GALP, true);
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
      ReportData.Pair p = d.pairs().get(i);
      assertEquals(
          expectedPairs.get(i).getKey(), List.of(p.lalpTeacher(), p.galpTeacher()), "pair " + i);
      assertEquals(expectedPairs.get(i).getValue(), p.prompts(), "pair " + i);
    }
    assertEquals(
        differing.subList(0, ReportStage.DISAGREEMENT_SAMPLE),
        d.sample().stream().map(ReportData.Example::promptId).toList());
    for (ReportData.Example s : d.sample()) {
      ScoreFixtures.Made l = lalp.get(s.promptId());
      ScoreFixtures.Made g = galp.get(s.promptId());
      assertEquals(
          List.of(l.teacher(), l.lalp(), g.teacher(), g.galp()),
          List.of(s.lalpTeacher(), s.lalp(), s.galpTeacher(), s.galp()));
    }
  }
}
