package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Metric;
import dev.naturalness.data.TeacherSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a score is rewarding, against hand computations from the per-row scores of a small corpus:
 * balanced means, length correlations, the selection's composition against the best single teacher,
 * repeated steps and LALP without them, and P(top-1) against a bootstrap done here.
 */
class WhatScoresRewardTest extends SparkTestBase {
  @TempDir Path dir;

  static final String[] FRESH = {
    "Ava counts the apples in the first basket and finds four of them.",
    "Then she opens the second basket, which holds three more apples.",
    "Adding the two baskets together gives four plus three apples.",
    "So the total number of apples that Ava has is seven in all.",
    "The answer is seven apples."
  };

  /**
   * Eight prompts: concise and verbose answer all, the looper only the first six, each of its
   * responses repeating two of its steps word for word right after themselves.
   */
  static List<Map<String, Object>> corpus() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int p = 0; p < 8; p++) {
      int a = 3 + p;
      rows.add(
          withId(
              Corpora.row(
                  "p" + p,
                  "concise",
                  a + " + 4 = " + (a + 4) + ".\n\nThe answer is " + (a + 4) + ".",
                  p % 3 != 0),
              "c" + p));
      StringBuilder verbose = new StringBuilder();
      for (int s = 0; s < 2 + p % 3; s++) {
        verbose.append(s > 0 ? "\n\n" : "").append(FRESH[s].replace("four", String.valueOf(a)));
      }
      rows.add(withId(Corpora.row("p" + p, "verbose", verbose.toString(), true), "v" + p));
      if (p < 6) {
        rows.add(
            withId(Corpora.row("p" + p, "looper", String.join("\n\n", looper(p)), true), "l" + p));
      }
    }
    return rows;
  }

  /** The looper's steps: FRESH[0], FRESH[0] again, FRESH[1], FRESH[1] again, then FRESH[2..]. */
  static List<String> looper(int p) {
    List<String> steps = new ArrayList<>(List.of(FRESH[0], FRESH[0], FRESH[1], FRESH[1]));
    for (int s = 2; s < 3 + p % 2; s++) {
      steps.add(FRESH[s]);
    }
    return steps;
  }

  /** Which of the looper's steps repeat their window: the second copy of each repeated step. */
  static Set<Integer> repeatedSteps() {
    return Set.of(1, 3);
  }

  static Map<String, Object> withId(Map<String, Object> row, String id) {
    row.put("response_id", id);
    return row;
  }

  @Test
  void balancedMeansCorrelationsCompositionAndRepetitionMatchHandComputations() throws Exception {
    Path out = dir.resolve("run");
    JobRunner.run(spark(), Corpora.writeJsonLines(dir, "corpus.jsonl", corpus()), out);
    List<Row> scores = spark().read().parquet(out.resolve("scores").toString()).collectAsList();
    Map<String, Row> teachers = new HashMap<>();
    for (Row t : spark().read().parquet(out.resolve("teachers").toString()).collectAsList()) {
      teachers.put(t.getAs("teacher"), t);
    }
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    Map<String, Boolean> correct = new HashMap<>();
    corpus().forEach(r -> correct.put((String) r.get("response_id"), (Boolean) r.get("correct")));

    // Balanced: only prompts every teacher answered (p0..p5), each response counted once.
    Set<String> everyTeacher = new HashSet<>();
    for (int p = 0; p < 6; p++) {
      everyTeacher.add("p" + p);
    }
    Map<String, Double> balanced = new HashMap<>();
    for (String teacher : teachers.keySet()) {
      List<Row> own = scores.stream().filter(r -> r.getAs("teacher").equals(teacher)).toList();
      for (String metric : List.of("lalp", "galp")) {
        double b =
            own.stream()
                .filter(r -> everyTeacher.contains((String) r.getAs("prompt_id")))
                .mapToDouble(r -> r.getAs(metric))
                .average()
                .orElseThrow();
        Row t = teachers.get(teacher);
        Assertions.assertEquals(b, (double) t.getAs(metric + "_balanced_mean"), 1e-9, teacher);
        if (metric.equals("lalp")) {
          balanced.put(teacher, b);
        }
        // Length: Pearson over the teacher's responses, of the score with chars and with
        // chars/step.
        double[] value = own.stream().mapToDouble(r -> r.getAs(metric)).toArray();
        double[] chars = own.stream().mapToDouble(r -> (int) r.getAs("response_chars")).toArray();
        double[] stepChars =
            own.stream()
                .mapToDouble(
                    r -> (double) (int) r.getAs("response_chars") / (int) r.getAs("n_steps"))
                .toArray();
        assertClose(pearson(chars, value), t.getAs(metric + "_length_corr"), teacher + " length");
        assertClose(
            pearson(stepChars, value),
            t.getAs(metric + "_step_length_corr"),
            teacher + " step length");
      }
    }
    List<String> order = new ArrayList<>(balanced.keySet());
    order.sort(Comparator.comparing((String t) -> -balanced.get(t)));
    for (int i = 0; i < order.size(); i++) {
      assertEquals(
          i + 1, (int) teachers.get(order.get(i)).getAs("lalp_balanced_rank"), order.get(i));
    }

    // Over the whole run: Pearson of LALP with response length.
    double[] all = scores.stream().mapToDouble(r -> r.getAs("lalp")).toArray();
    double[] allChars = scores.stream().mapToDouble(r -> (int) r.getAs("response_chars")).toArray();
    Assertions.assertEquals(
        pearson(allChars, all),
        summary.get("lengths").get(0).get("length").get("lalp").asDouble(),
        1e-9);

    // Composition: per prompt, the best candidate (ok, not marked wrong) by LALP, ties to the
    // smaller id; against the top-ranked teacher alone.
    Map<String, Row> pick = new TreeMap<>();
    for (Row r : scores) {
      String id = r.getAs("response_id");
      if (Boolean.FALSE.equals(correct.get(id))) {
        continue;
      }
      pick.merge(
          r.getAs("prompt_id"),
          r,
          (x, y) ->
              (double) x.getAs("lalp") > (double) y.getAs("lalp")
                      || ((double) x.getAs("lalp") == (double) y.getAs("lalp")
                          && ((String) x.getAs("response_id")).compareTo(y.getAs("response_id"))
                              < 0)
                  ? x
                  : y);
    }
    String top =
        teachers.values().stream()
            .filter(t -> (int) t.getAs("lalp_rank") == 1)
            .map(t -> (String) t.getAs("teacher"))
            .findFirst()
            .orElseThrow();
    Map<String, Long> byTeacher = new TreeMap<>();
    pick.values().forEach(r -> byTeacher.merge(r.getAs("teacher"), 1L, Long::sum));
    long topPrompts =
        scores.stream()
            .filter(
                r ->
                    r.getAs("teacher").equals(top)
                        && !Boolean.FALSE.equals(correct.get((String) r.getAs("response_id"))))
            .map(r -> (String) r.getAs("prompt_id"))
            .distinct()
            .count();
    JsonNode composition = summary.get("selection").get(0);
    assertEquals(top, composition.get("top_teacher").asText());
    assertEquals(pick.size(), composition.get("prompts").asLong());
    assertEquals(
        byTeacher,
        new ObjectMapper()
            .convertValue(
                composition.get("by_teacher"), new TypeReference<TreeMap<String, Long>>() {}));
    assertEquals(
        pick.size() - byTeacher.getOrDefault(top, 0L),
        composition.get("from_other_teachers").asLong());
    assertEquals(topPrompts, composition.get("top_teacher_prompts").asLong());
    Assertions.assertEquals(
        pick.values().stream().mapToDouble(r -> r.getAs("lalp")).average().orElseThrow(),
        composition.get("selected_mean_lalp").asDouble(),
        1e-9);

    // Repetition: the looper's second copies repeat their window; nobody else's steps do.
    long repeated = 0;
    long steps = 0;
    for (Row r : scores) {
      boolean looper = r.getAs("teacher").equals("looper");
      int expected = looper ? repeatedSteps().size() : 0;
      assertEquals(expected, (int) r.getAs("repeated_steps"), (String) r.getAs("response_id"));
      if (looper) {
        List<Float> stepScores = r.getList(r.fieldIndex("step_scores"));
        double kept = 0;
        int n = 0;
        for (int k = 0; k < stepScores.size(); k++) {
          if (!repeatedSteps().contains(k)) {
            kept += stepScores.get(k);
            n++;
          }
        }
        Assertions.assertEquals(kept / n, (double) r.getAs("lalp_no_repeats"), 1e-6);
        repeated += expected;
        steps += stepScores.size();
      }
    }
    Assertions.assertEquals(
        (double) repeated / steps,
        (double) teachers.get("looper").getAs("repeated_step_share"),
        1e-12);
    Assertions.assertEquals(0.0, (double) teachers.get("verbose").getAs("repeated_step_share"), 0);
  }

  @Test
  void theChanceOfRankingFirstAgreesWithABootstrapOfPromptsDoneHere() {
    // 200 prompts; t0 a little better than t1 on average, t2 clearly worse.
    Random random = new Random(5);
    List<ScoreFixtures.Made> rows = new ArrayList<>();
    double[] offset = {-1.00, -1.02, -1.30};
    int prompts = 200;
    double[][] value = new double[prompts][3];
    for (int p = 0; p < prompts; p++) {
      for (int t = 0; t < 3; t++) {
        value[p][t] = offset[t] + random.nextGaussian() * 0.3;
        rows.add(
            new ScoreFixtures.Made(
                String.format(Locale.ROOT, "r%03d-%d", p, t),
                String.format(Locale.ROOT, "p%03d", p),
                "t" + t,
                value[p][t],
                value[p][t] - 1,
                "ok"));
      }
    }
    int samples = 4000;
    List<TeacherSummary> table =
        TeacherStage.aggregateTeachers(
            ScoreFixtures.scores(spark(), rows).repartition(3),
            new Settings.Teachers(samples, 3),
            List.of("fraction=0.25"));
    // The same question asked here with the classic bootstrap: draw 200 prompts with replacement.
    Random draw = new Random(17);
    int[] first = new int[3];
    for (int b = 0; b < samples; b++) {
      double[] sum = new double[3];
      for (int i = 0; i < prompts; i++) {
        int p = draw.nextInt(prompts);
        for (int t = 0; t < 3; t++) {
          sum[t] += value[p][t];
        }
      }
      int best = 0;
      for (int t = 1; t < 3; t++) {
        if (sum[t] > sum[best]) {
          best = t;
        }
      }
      first[best]++;
    }
    double total = 0;
    for (TeacherSummary t : table) {
      int i = Integer.parseInt(t.teacher().substring(1));
      double here = (double) first[i] / samples;
      System.out.printf(
          Locale.ROOT,
          "P(top-1) %s: job %.3f, here %.3f%n",
          t.teacher(),
          t.of(Metric.LALP).topProbability(),
          here);
      Assertions.assertEquals(here, t.of(Metric.LALP).topProbability(), 0.05, t.teacher());
      total += t.of(Metric.LALP).topProbability();
    }
    Assertions.assertEquals(1.0, total, 1e-9);
    Assertions.assertTrue(first[0] > first[1] && first[1] > 0 && first[2] == 0);
  }

  static void assertClose(Double expected, Object actual, String what) {
    if (expected == null) {
      Assertions.assertNull(actual, what);
    } else {
      Assertions.assertEquals(expected, (double) actual, 1e-9, what);
    }
  }

  /** Pearson's r, or null with fewer than three pairs or no spread. */
  static Double pearson(double[] x, double[] y) {
    int n = x.length;
    if (n < 3) {
      return null;
    }
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i] / n;
      my += y[i] / n;
    }
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxx == 0 || syy == 0 ? null : sxy / Math.sqrt(sxx * syy);
  }
}
