package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.RunOutputs;
import dev.naturalness.TestFiles;
import dev.naturalness.report.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nights of the refresh, one response changed in between: the second night scores only that
 * response and says what changed since the run the pointer named, as computed here from both runs.
 */
class NightlyDiffTest extends SparkTestBase {
  @TempDir Path root;

  @Test
  void theSecondNightSaysWhichPickChangedAndWhichTeachersGainedOrLost() throws Exception {
    List<Map<String, Object>> night1 = Corpora.demoSlice(40);
    Path pointer = root.resolve("LATEST");
    String[] nightly = {
      "output.publish-pointer=" + pointer, "incremental.cache=" + root.resolve("cache")
    };
    JobRunner.run(
        spark(),
        Corpora.writeJsonLines(root, "night1.jsonl", night1),
        root.resolve("runs/1"),
        nightly);
    Map<String, String[]> before = picks(root.resolve("runs/1"));

    // Overnight the teacher whose response was picked for one prompt rewrites it badly.
    List<Map<String, Object>> night2 = Corpora.demoSlice(40);
    String prompt = "p0003";
    String[] picked = before.get(prompt);
    for (Map<String, Object> r : night2) {
      if (r.get("prompt_id").equals(prompt) && r.get("teacher").equals(picked[1])) {
        r.put("response", "zq xw vk jj, qq zz 913 xk? ww 7 7 7 qz.\n\nkk zx 44 vv.");
      }
    }
    JobRunner.run(
        spark(),
        Corpora.writeJsonLines(root, "night2.jsonl", night2),
        root.resolve("runs/2"),
        nightly);
    assertEquals(root.resolve("runs/2").toString(), Files.readString(pointer).trim());
    Map<String, String[]> after = picks(root.resolve("runs/2"));

    JsonNode summary = new ObjectMapper().readTree(root.resolve("runs/2/summary.json").toFile());
    assertEquals(1, summary.get("counts").get("scored_now").asLong(), "only the changed row");
    assertEquals(39, summary.get("counts").get("reused").asLong());
    JsonNode since = summary.get("since_previous").get(0);
    assertEquals(root.resolve("runs/1").toString(), since.get("previous").asText());

    long changed = 0;
    Map<String, Long> delta = new TreeMap<>();
    for (String p : after.keySet()) {
      if (!after.get(p)[0].equals(before.get(p)[0])) {
        changed++;
        Assertions.assertEquals(prompt, p, "only the rewritten prompt changes its pick");
      }
      delta.merge(after.get(p)[1], 1L, Long::sum);
      delta.merge(before.get(p)[1], -1L, Long::sum);
    }
    delta.values().removeIf(v -> v == 0);
    assertEquals(1, changed);
    assertEquals(before.size(), since.get("prompts_compared").asLong());
    assertEquals(changed, since.get("prompts_changed").asLong());
    assertEquals(0, since.get("prompts_new").asLong());
    assertEquals(0, since.get("prompts_gone").asLong());
    assertEquals(
        delta,
        new ObjectMapper()
            .convertValue(
                since.get("selected_by_teacher"), new TypeReference<TreeMap<String, Long>>() {}));

    Map<String, Integer> ranksBefore = ranks(root.resolve("runs/1"));
    Map<String, Integer> ranksAfter = ranks(root.resolve("runs/2"));
    Map<String, List<Integer>> moved = new TreeMap<>();
    ranksAfter.forEach(
        (t, r) -> {
          if (!r.equals(ranksBefore.get(t))) {
            moved.put(t, List.of(ranksBefore.get(t), r));
          }
        });
    Map<String, List<Integer>> reported = new TreeMap<>();
    since
        .get("rank_changes")
        .fields()
        .forEachRemaining(
            e ->
                reported.put(
                    e.getKey(), List.of(e.getValue().get(0).asInt(), e.getValue().get(1).asInt())));
    assertEquals(moved, reported);
    System.out.println("since the previous night: " + since);
  }

  @Test
  void aNightAfterTheColumnsAndTheOutputFormatChangedPublishesAndComparesByWhatEachRunWrote()
      throws Exception {
    Path pointer = root.resolve("LATEST");
    JobRunner.run(
        spark(),
        Corpora.writeJsonLines(root, "night1.jsonl", Corpora.demoSlice(40)),
        root.resolve("runs/1"),
        "output.publish-pointer=" + pointer);
    Map<String, String[]> before = picks(root.resolve("runs/1"));

    // The next export names its columns otherwise, and the team switches to JSON output.
    List<Map<String, Object>> renamed = new ArrayList<>();
    for (Map<String, Object> r : Corpora.demoSlice(40)) {
      Map<String, Object> m = new LinkedHashMap<>(r);
      m.put("model", m.remove("teacher"));
      m.put("qid", m.remove("prompt_id"));
      renamed.add(m);
    }
    JobRunner.run(
        spark(),
        Corpora.writeJsonLines(root, "night2.jsonl", renamed),
        root.resolve("runs/2"),
        "output.publish-pointer=" + pointer,
        "input.columns.teacher=model",
        "input.columns.prompt_id=qid",
        "output.format=json");
    assertEquals(root.resolve("runs/2").toString(), Files.readString(pointer).trim());
    JsonNode summary = new ObjectMapper().readTree(root.resolve("runs/2/summary.json").toFile());
    Assertions.assertTrue(summary.get("since_previous_skipped").isNull());
    JsonNode since = summary.get("since_previous").get(0);
    assertEquals(before.size(), since.get("prompts_compared").asLong());
    assertEquals(0, since.get("prompts_changed").asLong(), "the same picks, other column names");
    assertEquals(0, since.get("prompts_new").asLong());
    assertEquals(0, since.get("selected_by_teacher").size());

    // A previous run that cannot be read is left out with its reason; the run still publishes.
    TestFiles.deleteRecursively(root.resolve("runs/2/selected"));
    JobRunner.run(
        spark(),
        Corpora.writeJsonLines(root, "night3.jsonl", Corpora.demoSlice(40)),
        root.resolve("runs/3"),
        "output.publish-pointer=" + pointer);
    assertEquals(root.resolve("runs/3").toString(), Files.readString(pointer).trim());
    JsonNode third = new ObjectMapper().readTree(root.resolve("runs/3/summary.json").toFile());
    Assertions.assertTrue(third.get("since_previous").isNull());
    Assertions.assertTrue(
        third.get("since_previous_skipped").asText().contains("selected"),
        third.get("since_previous_skipped").asText());
    Assertions.assertTrue(
        Files.readString(root.resolve("runs/3/report.html"))
            .contains("Not compared with the previous run"));
  }

  /** Per prompt, the first pick's response_id and teacher. */
  Map<String, String[]> picks(Path run) {
    Map<String, String[]> out = new HashMap<>();
    for (Row r : spark().read().parquet(run.resolve("selected").toString()).collectAsList()) {
      if ((int) r.getAs("selection_rank") == 1) {
        out.put(r.getAs("prompt_id"), new String[] {r.getAs("response_id"), r.getAs("teacher")});
      }
    }
    return out;
  }

  Map<String, Integer> ranks(Path run) {
    Map<String, Integer> out = new HashMap<>();
    for (Row r : spark().read().parquet(run.resolve("teachers").toString()).collectAsList()) {
      out.put(r.getAs("teacher"), r.getAs("lalp_rank"));
    }
    return out;
  }

  @Test
  void aNightlyWrittenAsJsonIsComparedWithTheNextNight() throws Exception {
    Path input = Corpora.writeJsonLines(root, "small.jsonl", Corpora.small());
    Path pointer = root.resolve("LATEST");
    String[] nightly = {"output.format=json", "output.publish-pointer=" + pointer};
    JobRunner.run(spark(), input, root.resolve("runs/1"), nightly);
    JobRunner.run(spark(), input, root.resolve("runs/2"), nightly);
    RunSummary second = RunOutputs.summary(root.resolve("runs/2"));
    assertNull(second.sincePreviousSkipped(), second.sincePreviousSkipped());
    RunSummary.SincePrevious since = second.sincePrevious().get(0);
    assertEquals(3, since.promptsCompared());
    assertEquals(0, since.promptsChanged());
    Assertions.assertTrue(since.rankChanges().isEmpty(), since.rankChanges().toString());
    Reconcile.check(spark(), root.resolve("runs/2"), Corpora.small().size());
  }
}
