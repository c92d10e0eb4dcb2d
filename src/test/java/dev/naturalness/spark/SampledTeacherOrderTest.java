package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.Processes;
import dev.naturalness.RunOutputs;
import dev.naturalness.Slow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sampled steps (m = 32) rank teachers as exact scoring does wherever the sampling error the run
 * reports separates them, and each teacher's sampled mean lies within the error reported for it, on
 * the demo corpus and on a slice of the long-trace corpus (src/main/python/make_long_corpus.py),
 * with sentence steps.
 */
@Slow
class SampledTeacherOrderTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void theDemoCorpusRanksTeachersTheSameSampledAndExact() throws Exception {
    Path corpus = Corpora.writeJsonLines(dir, "demo.jsonl", Corpora.demoSlice(200));
    compare("demo (200 rows)", corpus);
  }

  @Test
  void theLongTraceCorpusRanksTeachersTheSameSampledAndExact() throws Exception {
    Path corpus = dir.resolve("long.jsonl");
    Processes.Outcome made =
        Processes.command(
                "python3",
                "src/main/python/make_long_corpus.py",
                corpus.toString(),
                "--prompts",
                "8",
                "--long-traces",
                "0")
            .run(Duration.ofMinutes(1));
    assertEquals(0, made.exit(), made.output());
    compare("long traces (72 rows)", corpus);
  }

  void compare(String name, Path corpus) throws Exception {
    String[] common = {"scoring.segmenter=sentence", "teachers.bootstrap-samples=50"};
    JobRunner.run(spark(), corpus, dir.resolve("exact"), common);
    List<String> sampledArgs = new ArrayList<>(List.of(common));
    sampledArgs.add("scoring.sample-steps=32");
    JobRunner.run(spark(), corpus, dir.resolve("sampled"), sampledArgs.toArray(new String[0]));
    Map<String, Double> exact = means(dir.resolve("exact"));
    Map<String, Double> sampled = means(dir.resolve("sampled"));
    long exactTokens = tokens(dir.resolve("exact"));
    long sampledTokens = tokens(dir.resolve("sampled"));
    double worst = 0;
    for (String t : exact.keySet()) {
      worst = Math.max(worst, Math.abs(exact.get(t) - sampled.get(t)));
    }
    System.out.printf(
        Locale.ROOT,
        "%s: teacher order exact %s, sampled m=32 %s; largest mean difference %.4f; model tokens"
            + " %,d exact, %,d sampled (%.2fx)%n",
        name,
        order(exact),
        order(sampled),
        worst,
        exactTokens,
        sampledTokens,
        (double) exactTokens / sampledTokens);
    Map<String, Double> error = errors(dir.resolve("sampled"));
    assertEquals(exact.keySet(), error.keySet(), "every teacher has a sampling error");
    for (String t : exact.keySet()) {
      Assertions.assertTrue(
          Math.abs(sampled.get(t) - exact.get(t)) <= 3 * error.get(t) + 1e-6,
          t
              + ": sampled mean "
              + sampled.get(t)
              + " is beyond 3 reported errors ("
              + error.get(t)
              + ") of exact "
              + exact.get(t));
    }
    // Two teachers may trade places only where exact's gap between them is within the reported
    // errors of the difference (2 standard errors).
    List<String> exactOrder = order(exact);
    for (int i = 0; i < exactOrder.size(); i++) {
      for (int j = i + 1; j < exactOrder.size(); j++) {
        String a = exactOrder.get(i);
        String b = exactOrder.get(j);
        if (sampled.get(a) < sampled.get(b)) {
          double gap = exact.get(a) - exact.get(b);
          double se = Math.hypot(error.get(a), error.get(b));
          Assertions.assertTrue(
              gap <= 2 * se + 1e-6,
              a + " and " + b + " swapped though exact's gap " + gap + " is over 2 errors " + se);
        }
      }
    }
    Assertions.assertTrue(sampledTokens <= exactTokens);
  }

  /** Each teacher's reported standard error of its sampled mean LALP (summary.json). */
  static Map<String, Double> errors(Path run) throws Exception {
    Map<String, Double> out = new TreeMap<>();
    for (var e : RunOutputs.summary(run).samplingError()) {
      // A teacher none of whose responses had more steps than m is exact: no error.
      out.put(e.teacher(), e.standardError() == null ? 0.0 : e.standardError());
    }
    return out;
  }

  static List<String> order(Map<String, Double> means) {
    List<String> out = new ArrayList<>(means.keySet());
    out.sort(Comparator.comparing((String t) -> -means.get(t)));
    return out;
  }

  Map<String, Double> means(Path run) {
    Map<String, Double> out = new TreeMap<>();
    for (Row r : spark().read().parquet(run.resolve("teachers").toString()).collectAsList()) {
      out.put(r.getAs("teacher"), r.getAs("lalp_mean"));
    }
    return out;
  }

  static long tokens(Path run) throws Exception {
    return new ObjectMapper()
        .readTree(run.resolve("summary.json").toFile())
        .get("tokens")
        .get("model")
        .asLong();
  }
}
