package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.RunOutputs;
import dev.naturalness.config.ConfigError;
import dev.naturalness.report.RunSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
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
    RunSummary.Counts first = RunOutputs.counts(tmp.resolve("night1"));
    assertEquals(
        a.size() - 1, first.scoredNow()); // the empty response is an error row, not model work
    assertEquals(0L, first.reused());

    JobRunner.run(spark(), inputAB, tmp.resolve("night2"), cache);
    RunSummary.Counts second = RunOutputs.counts(tmp.resolve("night2"));
    assertEquals(b.size(), second.scoredNow(), "exactly the new rows are scored");
    assertEquals(a.size() - 1, second.reused());
    assertEquals(all.size(), second.read());

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
    RunSummary.Counts third = RunOutputs.counts(tmp.resolve("night3"));
    assertEquals(0L, third.scoredNow(), "nothing new: nothing scored");

    // Other settings give other scores: the cache does not serve them.
    JobRunner.run(spark(), inputAB, tmp.resolve("steps"), cache, "scoring.window.steps=1");
    assertEquals(all.size() - 1, RunOutputs.counts(tmp.resolve("steps")).scoredNow());
  }

  /** The cache's complete versions. */
  static List<Path> versions(Path cache) throws IOException {
    try (var files = Files.list(cache)) {
      return files
          .filter(
              f ->
                  f.getFileName().toString().startsWith("v=")
                      && Files.exists(f.resolve("_SUCCESS")))
          .sorted()
          .toList();
    }
  }

  static List<Path> partFiles(Path version) throws IOException {
    try (var files = Files.list(version)) {
      return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
    }
  }

  @Test
  void aDamagedCacheFileIsReportedItsResponsesAreScoredAgainAndTheNextNightIsWhole()
      throws Exception {
    List<Map<String, Object>> rows = Corpora.demoSlice(24);
    Path input = Corpora.writeJsonLines(tmp.resolve("in"), "c.jsonl", rows);
    Path cache = tmp.resolve("cache");
    JobRunner.run(spark(), input, tmp.resolve("n1"), "incremental.cache=" + cache);
    List<Path> parts = partFiles(versions(cache).get(0));
    Assertions.assertTrue(parts.size() >= 2, "several files, one of them damaged: " + parts);
    long inDamaged =
        spark().read().parquet(parts.get(0).toString()).select("response_id").distinct().count();
    byte[] head = Arrays.copyOf(Files.readAllBytes(parts.get(0)), 100);
    Files.write(parts.get(0), head);

    JobRunner.run(spark(), input, tmp.resolve("n2"), "incremental.cache=" + cache);
    RunSummary.Counts second = RunOutputs.counts(tmp.resolve("n2"));
    assertEquals(inDamaged, second.scoredNow(), "the damaged file's responses, again");
    assertEquals(rows.size() - inDamaged, second.reused());
    Map<String, Row> before = byId(tmp.resolve("n1/scores"));
    Map<String, Row> after = byId(tmp.resolve("n2/scores"));
    for (String id : before.keySet()) {
      assertEquals(
          (Double) before.get(id).getAs("lalp"), (Double) after.get(id).getAs("lalp"), 1e-6, id);
    }
    assertEquals(1, versions(cache).size(), "the damaged version was replaced");

    JobRunner.run(spark(), input, tmp.resolve("n3"), "incremental.cache=" + cache);
    assertEquals(0L, RunOutputs.counts(tmp.resolve("n3")).scoredNow());
  }

  @Test
  void aCacheDirectoryThisJobDidNotWriteIsRefusedInOneLineAndLeftAlone() throws Exception {
    Path input = Corpora.writeJsonLines(tmp.resolve("in"), "c.jsonl", Corpora.small());
    Path cache = tmp.resolve("someone-elses");
    Files.createDirectories(cache.resolve("v=2020"));
    Files.writeString(cache.resolve("v=2020/notes.txt"), "mine");
    ConfigError e =
        Assertions.assertThrows(
            ConfigError.class,
            () -> JobRunner.run(spark(), input, tmp.resolve("out"), "incremental.cache=" + cache));
    Assertions.assertTrue(
        e.getMessage()
            .startsWith("incremental.cache " + cache + " holds files but no _naturalness_cache"),
        e.getMessage());
    assertEquals("mine", Files.readString(cache.resolve("v=2020/notes.txt")));
    Assertions.assertFalse(Files.exists(tmp.resolve("out/scores")));
  }

  @Test
  void versionsLeftByTwoRunsAtOnceAreBothServedThenMergedIntoOne() throws Exception {
    List<Map<String, Object>> rows = Corpora.demoSlice(16);
    Path a = Corpora.writeJsonLines(tmp.resolve("a"), "c.jsonl", rows.subList(0, 8));
    Path b = Corpora.writeJsonLines(tmp.resolve("b"), "c.jsonl", rows.subList(8, 16));
    Path all = Corpora.writeJsonLines(tmp.resolve("all"), "c.jsonl", rows);
    Path cache = tmp.resolve("cache");
    Path other = tmp.resolve("other-cache");
    JobRunner.run(spark(), a, tmp.resolve("ra"), "incremental.cache=" + cache);
    JobRunner.run(spark(), b, tmp.resolve("rb"), "incremental.cache=" + other);
    // Two runs at once on one cache each leave a version: B's lands beside A's.
    Path moved = versions(other).get(0);
    Files.move(moved, cache.resolve(moved.getFileName()));
    assertEquals(2, versions(cache).size());

    JobRunner.run(spark(), all, tmp.resolve("rall"), "incremental.cache=" + cache);
    RunSummary.Counts counts = RunOutputs.counts(tmp.resolve("rall"));
    assertEquals(0L, counts.scoredNow(), "both versions served");
    assertEquals(16L, counts.reused());
    assertEquals(1, versions(cache).size(), "merged into one");
    assertEquals(
        16L,
        spark()
            .read()
            .parquet(versions(cache).get(0).toString())
            .select("response_id")
            .distinct()
            .count());
  }

  @Test
  void aCacheWrittenBeforeMarkersIsTakenAsTheJobsAndAForeignFileInItIsLeftOut() throws Exception {
    Path input = Corpora.writeJsonLines(tmp.resolve("in"), "c.jsonl", Corpora.demoSlice(8));
    Path cache = tmp.resolve("cache");
    JobRunner.run(spark(), input, tmp.resolve("n1"), "incremental.cache=" + cache);
    // As an earlier version of the job left it: versions v=<millis>, no marker.
    Files.delete(cache.resolve("_naturalness_cache"));
    Path version = versions(cache).get(0);
    Path legacy = cache.resolve("v=1764800000000");
    Files.move(version, legacy);
    JobRunner.run(spark(), input, tmp.resolve("n2"), "incremental.cache=" + cache);
    assertEquals(8L, RunOutputs.counts(tmp.resolve("n2")).reused());
    Assertions.assertTrue(Files.exists(cache.resolve("_naturalness_cache")));

    // Someone's own Parquet inside a version: left out, named, never read as scores.
    Path current = versions(cache).get(0);
    spark()
        .sql("select 1 as id, 'x' as note")
        .coalesce(1)
        .write()
        .parquet(tmp.resolve("foreign").toString());
    Path foreign = partFiles(tmp.resolve("foreign")).get(0);
    Files.copy(foreign, current.resolve("part-99999-foreign.parquet"));
    JobRunner.run(spark(), input, tmp.resolve("n3"), "incremental.cache=" + cache);
    assertEquals(8L, RunOutputs.counts(tmp.resolve("n3")).reused());
    Assertions.assertFalse(Files.exists(current), "the version read was replaced by the new one");
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

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aCacheFileDamagedInItsBodyIsOneWarningAndItsResponsesAreScoredAgain() throws Exception {
    List<Map<String, Object>> rows = Corpora.demoSlice(24);
    Path input = Corpora.writeJsonLines(tmp.resolve("in"), "c.jsonl", rows);
    Path cache = tmp.resolve("cache");
    JobRunner.run(spark(), input, tmp.resolve("n1"), "incremental.cache=" + cache);
    Path version;
    try (Stream<Path> versions = Files.list(cache)) {
      version = versions.filter(v -> v.getFileName().toString().startsWith("v=")).findFirst().get();
    }
    Path damaged;
    try (Stream<Path> files = Files.list(version)) {
      damaged =
          files
              .filter(f -> f.getFileName().toString().startsWith("part-"))
              .sorted()
              .findFirst()
              .get();
    }
    // Bytes inside the first column chunk, the footer left whole: only reading finds it.
    byte[] bytes = Files.readAllBytes(damaged);
    for (int i = 8; i < 40; i++) {
      bytes[i] = (byte) ~bytes[i];
    }
    Files.write(damaged, bytes);

    JobRunner.run(spark(), input, tmp.resolve("n2"), "incremental.cache=" + cache);
    Reconcile.check(spark(), tmp.resolve("n2"), rows.size());
    RunSummary second = RunOutputs.summary(tmp.resolve("n2"));
    JsonNode warnings = JSON.readTree(tmp.resolve("n2/summary.json").toFile()).path("warnings");
    assertEquals(1, warnings.size(), warnings.toString());
    String warning = warnings.get(0).asText();
    Assertions.assertTrue(
        warning.startsWith(
            "incremental cache file "
                + damaged.getFileName()
                + " in "
                + version.getFileName()
                + " could not be read whole ("),
        warning);
    Assertions.assertTrue(second.counts().scoredNow() > 0, "its responses were scored again");
    assertEquals(rows.size(), second.counts().scoredNow() + second.counts().reused());
    Assertions.assertTrue(
        new String(
                Files.readAllBytes(Path.of("src/main/resources/log4j2.properties")),
                StandardCharsets.UTF_8)
            .contains(
                "logger.filescan.name = org.apache.spark.sql.execution.datasources.FileScanRDD\n"
                    + "logger.filescan.level = error"),
        "Spark's own stack trace for the skipped file stays out of the job's log");
  }
}
