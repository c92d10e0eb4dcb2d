package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.naturalness.JobArgs;
import dev.naturalness.RunOutputs;
import dev.naturalness.report.RunSummary;
import dev.naturalness.stats.ErrorModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scoring.exact-check-share: the checked prompts' sampled picks held to an exact run of the same
 * corpus, computed here from its scores/ and the sampled run's selected/.
 */
class ExactCheckTest extends SparkTestBase {
  @TempDir Path dir;

  JobArgs sampled(Path corpus, Path out, double share) {
    return JobArgs.demo(corpus, out)
        .set("scoring.segmenter", "sentence")
        .set("scoring.sample-steps", 2)
        .set("scoring.exact-check-share", share);
  }

  @Test
  void everyPromptCheckedGivesTheSampledPicksAgainstAnExactRunPerBinOfCertainty() throws Exception {
    Path corpus = Corpora.writeJsonLines(dir, "demo.jsonl", Corpora.demoSlice(40));
    Path run = dir.resolve("run");
    JobRunner.run(spark(), sampled(corpus, run, 1.0));
    Path exactRun = dir.resolve("exact");
    JobRunner.run(spark(), JobArgs.demo(corpus, exactRun).set("scoring.segmenter", "sentence"));

    Map<String, Double> exact = new HashMap<>();
    for (Row r : spark().read().parquet(exactRun.resolve("scores").toString()).collectAsList()) {
      if ("ok".equals(r.getAs("status")) && r.getAs("lalp") != null) {
        exact.put(r.getAs("response_id"), r.getAs("lalp"));
      }
    }
    // Each prompt's exact pick among the sampled run's candidates (ok, not incorrect).
    Map<String, String> exactPick = new HashMap<>();
    long sampledResponses = 0;
    for (Row r : spark().read().parquet(run.resolve("scores").toString()).collectAsList()) {
      boolean wrong = r.getList(r.fieldIndex("flags")).contains("incorrect");
      if (!"ok".equals(r.getAs("status")) || wrong || r.getAs("lalp") == null) {
        continue;
      }
      Double se = r.getAs("lalp_se");
      sampledResponses += se != null && se > 0 ? 1 : 0;
      String id = r.getAs("response_id");
      String prompt = r.getAs("prompt_id");
      String best = exactPick.get(prompt);
      double mine = exact.get(id);
      if (best == null
          || mine > exact.get(best)
          || (mine == exact.get(best) && id.compareTo(best) < 0)) {
        exactPick.put(prompt, id);
      }
    }
    TreeMap<Integer, double[]> bins = new TreeMap<>();
    for (Row s : spark().read().parquet(run.resolve("selected").toString()).collectAsList()) {
      if ((Integer) s.getAs("selection_rank") != 1) {
        continue;
      }
      double c = s.getAs("selection_certainty");
      double[] bin = bins.computeIfAbsent(Math.min(4, (int) Math.floor(c * 5)), k -> new double[3]);
      bin[0]++;
      bin[1] += c;
      bin[2] += s.getAs("response_id").equals(exactPick.get((String) s.getAs("prompt_id"))) ? 1 : 0;
    }

    RunSummary.ExactCheck check = RunOutputs.summary(run).selectionCertainty().get(0).exactCheck();
    assertNotNull(check);
    assertEquals(exactPick.size(), check.prompts());
    assertEquals(bins.size(), check.bins().size());
    double agree = 0;
    int b = 0;
    for (Map.Entry<Integer, double[]> e : bins.entrySet()) {
      double[] v = e.getValue();
      RunSummary.Bin bin = check.bins().get(b++);
      assertEquals(e.getKey() / 5.0, bin.from(), 0);
      assertEquals((long) v[0], bin.prompts());
      assertEquals(v[1] / v[0], bin.certainty(), 1e-9);
      assertEquals(v[2] / v[0], bin.agreement(), 1e-9);
      agree += v[2];
    }
    assertEquals(agree / exactPick.size(), check.agreement(), 1e-9);
    if (sampledResponses < ErrorModel.MIN_CHECKED) {
      assertEquals(ErrorModel.STATED.toString(), check.errors(), "too few errors to fit");
    }
    String report = Files.readString(run.resolve("report.html"));
    Assertions.assertTrue(
        report.contains("reliability diagram of student"), "the report's diagram");
  }

  @Test
  void aShareChecksTheSamePromptsEveryRunAndNoCheckLeavesNoFigures() throws Exception {
    Path corpus = Corpora.writeJsonLines(dir, "demo.jsonl", Corpora.demoSlice(40));
    JobRunner.run(spark(), sampled(corpus, dir.resolve("a"), 0.5));
    JobRunner.run(spark(), sampled(corpus, dir.resolve("b"), 0.5));
    RunSummary.Certainty a = RunOutputs.summary(dir.resolve("a")).selectionCertainty().get(0);
    RunSummary.Certainty b = RunOutputs.summary(dir.resolve("b")).selectionCertainty().get(0);
    Assertions.assertTrue(
        a.exactCheck().prompts() > 0 && a.exactCheck().prompts() < a.prompts(),
        a.exactCheck().prompts() + " of " + a.prompts());
    assertEquals(a.exactCheck(), b.exactCheck());
    assertEquals(
        List.of(),
        List.of(Files.list(dir.resolve("a")).filter(p -> p.toString().contains("exact")).toArray()),
        "nothing of the check is left in the output");
    JobRunner.run(spark(), sampled(corpus, dir.resolve("c"), 0));
    assertNull(RunOutputs.summary(dir.resolve("c")).selectionCertainty().get(0).exactCheck());
  }
}
