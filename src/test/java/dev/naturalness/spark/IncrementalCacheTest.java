package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly refresh: a run on A plus new rows B scores only B and writes what a full run writes.
 */
class IncrementalCacheTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void aSecondRunScoresOnlyTheNewRowsAndMatchesAFullRun() throws Exception {
    List<Map<String, Object>> all = Corpora.small();
    List<Map<String, Object>> a = new ArrayList<>();
    List<Map<String, Object>> b = new ArrayList<>();
    for (Map<String, Object> r : all) {
      (r.get("prompt_id").equals("p3") ? b : a).add(r);
    }
    Path inputA = Corpora.writeJsonLines(tmp.resolve("a"), "part-0.jsonl", a);
    Path inputAB = Corpora.writeJsonLines(tmp.resolve("ab"), "part-0.jsonl", all);
    String cache = "incremental.cache=" + tmp.resolve("cache");

    JobRunner.run(spark(), inputA, tmp.resolve("night1"), cache);
    Map<String, Long> first = NaturalnessJobTest.counts(tmp.resolve("night1"));
    assertEquals(
        a.size() - 1,
        first.get("scored_now")); // the empty response is an error row, not model work
    assertEquals(0L, first.get("reused"));

    JobRunner.run(spark(), inputAB, tmp.resolve("night2"), cache);
    Map<String, Long> second = NaturalnessJobTest.counts(tmp.resolve("night2"));
    assertEquals(b.size(), second.get("scored_now"), "exactly the new rows are scored");
    assertEquals(a.size() - 1, second.get("reused"));
    assertEquals(all.size(), second.get("read"));

    JobRunner.run(spark(), inputAB, tmp.resolve("full"));
    Map<String, Row> refresh = byId(tmp.resolve("night2/scores"));
    Map<String, Row> full = byId(tmp.resolve("full/scores"));
    assertEquals(full.keySet(), refresh.keySet());
    for (Map.Entry<String, Row> e : full.entrySet()) {
      Row f = e.getValue();
      Row r = refresh.get(e.getKey());
      assertEquals((String) f.getAs("status"), r.getAs("status"));
      assertEquals((Integer) f.getAs("n_tokens"), r.getAs("n_tokens"));
      assertEquals((Integer) f.getAs("n_steps"), r.getAs("n_steps"));
      assertEquals((String) f.getAs("config_hash"), r.getAs("config_hash"));
      if (f.getAs("lalp") != null) {
        assertEquals((Double) f.getAs("lalp"), (Double) r.getAs("lalp"), 1e-4);
        assertEquals((Double) f.getAs("galp"), (Double) r.getAs("galp"), 1e-4);
        assertNotNull(r.getAs("step_scores"));
      }
    }
    assertEquals(selectedIds(tmp.resolve("full")), selectedIds(tmp.resolve("night2")));
    Map<String, Row> fullTeachers = teachers(tmp.resolve("full"));
    Map<String, Row> refreshTeachers = teachers(tmp.resolve("night2"));
    for (String t : fullTeachers.keySet()) {
      assertEquals(
          (Double) fullTeachers.get(t).getAs("lalp_mean"),
          (Double) refreshTeachers.get(t).getAs("lalp_mean"),
          1e-4);
      assertEquals(
          (Integer) fullTeachers.get(t).getAs("lalp_rank"),
          refreshTeachers.get(t).getAs("lalp_rank"));
      assertEquals(
          (Long) fullTeachers.get(t).getAs("n_scored"), refreshTeachers.get(t).getAs("n_scored"));
    }

    JobRunner.run(spark(), inputAB, tmp.resolve("night3"), cache);
    Map<String, Long> third = NaturalnessJobTest.counts(tmp.resolve("night3"));
    assertEquals(0L, third.get("scored_now"), "nothing new: nothing scored");

    // Other settings give other scores: the cache does not serve them.
    JobRunner.run(spark(), inputAB, tmp.resolve("steps"), cache, "scoring.window.steps=1");
    assertEquals(all.size() - 1, NaturalnessJobTest.counts(tmp.resolve("steps")).get("scored_now"));
  }

  private Map<String, Row> byId(Path table) {
    Map<String, Row> out = new TreeMap<>();
    for (Row r : spark().read().parquet(table.toString()).collectAsList()) {
      out.put(r.getAs("response_id"), r);
    }
    return out;
  }

  private TreeSet<String> selectedIds(Path run) {
    TreeSet<String> ids = new TreeSet<>();
    for (Row r : spark().read().parquet(run.resolve("selected").toString()).collectAsList()) {
      ids.add(r.getAs("prompt_id") + ":" + r.getAs("response_id"));
    }
    return ids;
  }

  private Map<String, Row> teachers(Path run) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : spark().read().parquet(run.resolve("teachers").toString()).collectAsList()) {
      out.put(r.getAs("teacher"), r);
    }
    return out;
  }
}
