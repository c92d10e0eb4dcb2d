package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.TestStudents;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several students and several windows in one run give what the single runs give: scores within
 * 1e-6, each student's leaderboard, and the teacher x student matrix; several windows cost fewer
 * model tokens than their single runs together.
 */
class SeveralStudentsAndWindowsTest extends SparkTestBase {
  static final List<String> WINDOWS =
      List.of("fraction=0.25", "fraction=0.1", "fraction=0.05", "steps=4");

  @TempDir Path dir;

  Path corpus() throws Exception {
    return Corpora.writeJsonLines(dir, "corpus.jsonl", Corpora.demoSlice(48));
  }

  @Test
  void twoStudentsInOneRunEqualTwoSingleStudentRunsAndTheMatrixAgreesWithThem() throws Exception {
    Path corpus = corpus();
    Path second = TestStudents.make(dir, "tiny-student", "tiny", Map.of());
    JobRunner.run(spark(), corpus, dir.resolve("demo-alone"));
    JobRunner.run(spark(), corpus, dir.resolve("tiny-alone"), "student.path=" + second);
    JobRunner.run(
        spark(),
        corpus,
        dir.resolve("both"),
        "student.path=[\"" + DemoStudent.DIR.toAbsolutePath() + "\", \"" + second + "\"]");

    Map<String, Row> both = scores(dir.resolve("both"));
    Map<String, Row> alone = new HashMap<>(scores(dir.resolve("demo-alone")));
    alone.putAll(scores(dir.resolve("tiny-alone")));
    assertEquals(alone.keySet(), both.keySet(), "one row per response and student");
    for (Map.Entry<String, Row> e : alone.entrySet()) {
      Row a = e.getValue();
      Row b = both.get(e.getKey());
      assertEquals((String) a.getAs("status"), b.getAs("status"), e.getKey());
      for (String metric : List.of("lalp", "galp", "lalp_drop_first")) {
        Double x = a.getAs(metric);
        Double y = b.getAs(metric);
        if (x == null) {
          Assertions.assertNull(y, e.getKey());
        } else {
          Assertions.assertEquals(x, y, 1e-6, e.getKey() + " " + metric);
        }
      }
    }

    // Each student's leaderboard and selection is the single run's; the matrix holds its means.
    JsonNode matrix = summary(dir.resolve("both")).get("teacher_student");
    for (String[] run :
        new String[][] {{"demo-alone", "demo-student"}, {"tiny-alone", "tiny-student"}}) {
      Map<String, Row> single = teachers(dir.resolve(run[0]), run[1]);
      Map<String, Row> joint = teachers(dir.resolve("both"), run[1]);
      assertEquals(single.keySet(), joint.keySet());
      for (Map.Entry<String, Row> t : single.entrySet()) {
        double mean = t.getValue().getAs("lalp_mean");
        int rank = t.getValue().getAs("lalp_rank");
        Assertions.assertEquals(mean, (double) joint.get(t.getKey()).getAs("lalp_mean"), 1e-6);
        assertEquals(rank, (int) joint.get(t.getKey()).getAs("lalp_rank"));
        JsonNode cell = matrix.get(t.getKey()).get(run[1]);
        assertNotNull(cell, "matrix cell " + t.getKey() + " x " + run[1]);
        Assertions.assertEquals(mean, cell.get("mean").asDouble(), 1e-6);
        assertEquals(rank, cell.get("rank").asInt());
      }
      assertEquals(selected(dir.resolve(run[0]), run[1]), selected(dir.resolve("both"), run[1]));
    }
  }

  @Test
  void fourWindowsInOneRunEqualFourOneWindowRunsForFewerModelTokens() throws Exception {
    Path corpus = corpus();
    String list = "scoring.windows=[\"" + String.join("\", \"", WINDOWS) + "\"]";
    long t0 = System.nanoTime();
    JobRunner.run(spark(), corpus, dir.resolve("four"), list, "scoring.metrics=[lalp]");
    double fourSeconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Row> four = scores(dir.resolve("four"));
    long singleTokens = 0;
    double singleSeconds = 0;
    for (String w : WINDOWS) {
      Path out = dir.resolve("one-" + w.replace('=', '-'));
      long t = System.nanoTime();
      JobRunner.run(
          spark(), corpus, out, "scoring.windows=[\"" + w + "\"]", "scoring.metrics=[lalp]");
      singleSeconds += (System.nanoTime() - t) / 1e9;
      singleTokens += summary(out).get("tokens").get("model").asLong();
      for (Map.Entry<String, Row> e : scores(out).entrySet()) {
        Row joint = four.get(e.getKey());
        Double alone = e.getValue().getAs("lalp");
        if (alone == null) {
          Assertions.assertNull(joint.getAs("lalp"));
          continue;
        }
        Map<String, Double> byWindow = joint.getJavaMap(joint.fieldIndex("lalp_by_window"));
        Assertions.assertEquals(alone, byWindow.get(w), 1e-6, e.getKey() + " " + w);
        if (w.equals(WINDOWS.get(0))) {
          Assertions.assertEquals(
              alone, (double) joint.getAs("lalp"), 1e-6, "the first window ranks");
        }
      }
    }
    long fourTokens = summary(dir.resolve("four")).get("tokens").get("model").asLong();
    System.out.printf(
        Locale.ROOT,
        "four windows in one run: %,d model tokens (%.1f s) against %,d in four single runs (%.1f s): %.2fx%n",
        fourTokens,
        fourSeconds,
        singleTokens,
        singleSeconds,
        (double) singleTokens / fourTokens);
    Assertions.assertTrue(fourTokens < singleTokens, fourTokens + " vs " + singleTokens);
  }

  Map<String, Row> scores(Path run) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : spark().read().parquet(run.resolve("scores").toString()).collectAsList()) {
      out.put(r.getAs("response_id") + "/" + r.getAs("student"), r);
    }
    return out;
  }

  Map<String, Row> teachers(Path run, String student) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : spark().read().parquet(run.resolve("teachers").toString()).collectAsList()) {
      if (student.equals(r.getAs("student"))) {
        out.put(r.getAs("teacher"), r);
      }
    }
    return out;
  }

  Map<String, String> selected(Path run, String student) {
    Map<String, String> out = new HashMap<>();
    for (Row r : spark().read().parquet(run.resolve("selected").toString()).collectAsList()) {
      if (student.equals(r.getAs("student"))) {
        out.put(r.getAs("prompt_id"), r.getAs("response_id"));
      }
    }
    return out;
  }

  static JsonNode summary(Path run) throws Exception {
    return new ObjectMapper().readTree(run.resolve("summary.json").toFile());
  }
}
