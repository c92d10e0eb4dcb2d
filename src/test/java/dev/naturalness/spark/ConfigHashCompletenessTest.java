package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.ReferenceKeys;
import dev.naturalness.TestStudents;
import dev.naturalness.checks.StudentChecks;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * The config hash cannot miss a setting: every key of reference.conf is altered in turn, the rows
 * are scored as an executor scores them (the task built from the settings as the job builds it),
 * and whenever a score changes, the hash must change. A key added to reference.conf without a value
 * to try here fails the test, so that nobody adds one without asking whether it changes scores.
 */
class ConfigHashCompletenessTest extends SparkTestBase {
  @TempDir Path dir;

  /** Per key, a valid value other than the default ("" = the key needs a path, set below). */
  static Map<String, String> alternatives(Path dir) {
    Map<String, String> a = new TreeMap<>();
    a.put("input.path", dir.resolve("same-corpus.jsonl").toString());
    a.put("input.format", "json");
    a.put("input.columns.prompt_id", "prompt_id");
    a.put("input.columns.prompt", "prompt");
    a.put("input.columns.teacher", "teacher");
    a.put("input.columns.response", "response");
    a.put("input.columns.response_id", "no_such_column");
    a.put("input.columns.correct", "no_such_column");
    a.put("input.columns.steps", "no_such_column");
    a.put("input.columns.step-ends", "no_such_column");
    a.put("input.shape", "flat");
    a.put("input.teacher", "");
    a.put("input.response-template", "{response}");
    a.put("input.columns.messages", "no_such_column");
    a.put("input.columns.conversations", "no_such_column");
    a.put("input.columns.system", "no_such_column");
    a.put("input.columns.generations", "no_such_column");
    a.put("input.columns.complete", "no_such_column");
    a.put("input.columns.finish-reason", "no_such_column");
    a.put("input.columns.teacher-family", "no_such_column");
    a.put("input.generations.correct", "[no_such_column]");
    a.put("input.generations.correct-rule", "all");
    a.put("input.generations.complete", "no_such_column");
    a.put("input.generations.finish-reasons", "no_such_column");
    a.put("input.teachers", "{}");
    a.put("input.teacher-families", "{teacher-a = qwen2}");
    a.put("input.think-markers", "{\"The answer\" = \"So the answer\"}");
    a.put("output.export", "[messages]");
    a.put("output.export-test-share", "0.5");
    a.put("output.export-test-seed", "7");
    a.put("output.export-license", "mit");
    a.put("select.require", "[correct, complete]");
    a.put("output.path", dir.resolve("other-output").toString());
    a.put("output.format", "json");
    a.put("output.step-scores", "false");
    a.put("output.publish-pointer", dir.resolve("LATEST").toString());
    a.put("student.path", "");
    a.put("student.max-tokens", "64");
    a.put("student.device", "cpu");
    a.put("student.threads", "1");
    a.put("student.local-cache", dir.resolve("students").toString());
    a.put("student.check", "false");
    a.put("scoring.segmenter", "sentence");
    a.put("scoring.window.steps", "1");
    a.put("scoring.window.fraction", "0.6");
    a.put("scoring.window.include-prompt", "false");
    a.put("scoring.windows", "[\"steps=2\", \"fraction=0.25\"]");
    a.put("scoring.metrics", "[galp]");
    a.put("scoring.sample-steps", "2");
    a.put("scoring.sample-estimator", "plain");
    a.put("scoring.max-model-error-share", "0.5");
    a.put("scoring.exact-check-share", "0.5");
    a.put("scoring.batch.max-tokens", "700");
    a.put("scoring.batch.row-tokens", "128");
    a.put("scoring.batch.pack", "false");
    a.put("scoring.responses-per-group", "2");
    a.put("select.top-k", "2");
    a.put("select.require-correct", "false");
    a.put("teachers.bootstrap-samples", "10");
    a.put("teachers.seed", "7");
    a.put("partition.tokens-per-partition", "1000");
    a.put("partition.min-partitions", "3");
    a.put("plan.only", "true");
    a.put("plan.tokens-per-second", "100");
    a.put("plan.previous-summary", dir.resolve("summary.json").toString());
    a.put("incremental.cache", dir.resolve("cache").toString());
    a.put("s3.endpoint", "http://127.0.0.1:9");
    a.put("s3.region", "eu-west-1");
    a.put("s3.path-style-access", "true");
    a.put("s3.access-key", "key");
    a.put("s3.secret-key", "secret");
    a.put("s3.credential-providers", "jceks://file" + dir.resolve("s3.jceks"));
    a.put("s3.committer", "directory");
    a.put("s3.preflight-timeout-seconds", "5");
    a.put("progress.interval-seconds", "3");
    a.put("progress.status-file", dir.resolve("status.json").toString());
    a.put("spark.app-name", "other");
    a.put("spark.default-master", "local[1]");
    a.put("spark.event-log", dir.resolve("events").toString());
    a.put("testing.fail-first-attempt", "true");
    a.put("testing.fail-every-attempt", "true");
    a.put("testing.fail-before-publish", "true");
    return a;
  }

  @Test
  void everySettingThatChangesAScoreChangesTheHash() throws Exception {
    Map<String, String> alternatives = alternatives(dir);
    Set<String> keys = ReferenceKeys.all();
    Set<String> unclassified = new TreeSet<>(keys);
    unclassified.removeAll(alternatives.keySet());
    assertEquals(Set.of(), unclassified, "reference.conf keys without a value to try here");

    Path corpus = Corpora.writeJsonLines(dir, "corpus.jsonl", Corpora.demoSlice(16));
    Path other = TestStudents.make(dir, "other-student", "tiny", Map.of());
    Files.copy(corpus, Path.of(alternatives.get("input.path")));
    Settings.Job defaults = settings(corpus, null, null);
    String defaultHash = task(defaults).student().definition().hash();
    Map<String, List<Object>> baseline = score(defaults);

    List<String> changedScores = new ArrayList<>();
    for (String key : keys) {
      String value = key.equals("student.path") ? other.toString() : alternatives.get(key);
      Settings.Job altered = settings(corpus, key, value);
      ScoringTask task = task(altered);
      Map<String, List<Object>> scores = score(altered);
      if (!same(scores, baseline)) {
        changedScores.add(key);
        assertNotEquals(
            defaultHash,
            task.student().definition().hash(),
            key
                + " = "
                + value
                + " changes scores but not the config hash: "
                + diff(baseline, scores));
      }
    }
    System.out.println("settings that change scores (each changes the hash): " + changedScores);
    // The test can see a change: these must be among them.
    Assertions.assertTrue(
        changedScores.containsAll(
            List.of(
                "student.path",
                "student.max-tokens",
                "scoring.segmenter",
                "scoring.window.fraction",
                "scoring.window.steps",
                "scoring.window.include-prompt",
                "scoring.windows",
                "scoring.metrics",
                "scoring.sample-steps")),
        changedScores.toString());
  }

  @Test
  void howTheCorpusGivesItsResponsesIsPartOfTheDefinition() throws Exception {
    Path corpus = Corpora.writeJsonLines(dir, "corpus.jsonl", Corpora.demoSlice(4));
    String flat = task(settings(corpus, null, null)).student().definition().hash();
    String template =
        task(settings(corpus, "input.response-template", "<think>{response}</think>"))
            .student()
            .definition()
            .hash();
    String otherTemplate =
        task(settings(corpus, "input.response-template", "{response}"))
            .student()
            .definition()
            .hash();
    String chat = task(settings(corpus, "input.shape", "messages")).student().definition().hash();
    assertEquals(
        4, Set.of(flat, template, otherTemplate, chat).size(), "a changed form, a new hash");
  }

  Settings.Job settings(Path corpus, String key, String value) {
    JobArgs args =
        JobArgs.none()
            .set("input.path", corpus)
            .set("output.path", dir.resolve("out"))
            .set("student.path", DemoStudent.DIR.toAbsolutePath());
    if (key != null) {
      args.set(key, value);
      if (key.equals("s3.access-key") || key.equals("s3.secret-key")) {
        // The two keys are set together or not at all.
        args.set(key.equals("s3.access-key") ? "s3.secret-key" : "s3.access-key", "other");
      }
      if (key.equals("scoring.exact-check-share")) {
        // A check of sampled scores: set with sampled steps (without them, a config error).
        args.set("scoring.sample-steps", 2);
      }
    }
    return args.settings();
  }

  static ScoringTask task(Settings.Job settings) {
    List<StudentChecks.Prepared> students =
        StudentChecks.prepare(settings, new Configuration(), false);
    return ScoringTask.of(settings, students.get(0).spec());
  }

  /** Per response, every column of scores/ but the hash and flags, as the executor writes them. */
  Map<String, List<Object>> score(Settings.Job settings) throws Exception {
    Dataset<Row> canonical =
        CorpusReader.canonicalRows(
            Inputs.read(spark(), settings.input()),
            settings.input(),
            settings.scoring().segmenter());
    StructType schema = canonical.schema();
    PartitionScorer scorer =
        new PartitionScorer(task(settings), schema, ScoreCounters.register(spark()));
    StructType all = ScoreRows.schema((StructType) schema.apply(Fields.INPUT).dataType());
    Map<String, List<Object>> out = new TreeMap<>();
    Iterator<Row> scored = scorer.call(canonical.collectAsList().iterator());
    while (scored.hasNext()) {
      Row r = scored.next();
      List<Object> values = new ArrayList<>();
      for (String field : ScoreRows.WRITTEN.fieldNames()) {
        // Flags are read from the row on every run (never cached): they are not scores.
        if (!field.equals(Fields.CONFIG_HASH) && !field.equals(Fields.FLAGS)) {
          values.add(r.get(all.fieldIndex(field)));
        }
      }
      out.put(r.getString(all.fieldIndex(Fields.RESPONSE_ID)), values);
    }
    return out;
  }

  /** The first response whose scores differ, both ways (for the failure message). */
  static String diff(Map<String, List<Object>> a, Map<String, List<Object>> b) {
    for (String id : a.keySet()) {
      if (!same(a.get(id), b.get(id))) {
        return id + ": " + a.get(id) + " vs " + b.get(id);
      }
    }
    return "other responses: " + a.keySet() + " vs " + b.keySet();
  }

  /** Equal, numbers within the scorer's exactness (1e-4): packing may move the last float bits. */
  static boolean same(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof Number x && b instanceof Number y) {
      return Math.abs(x.doubleValue() - y.doubleValue()) <= 1e-4;
    }
    if (a instanceof Object[] x && b instanceof Object[] y) {
      return same(Arrays.asList(x), Arrays.asList(y));
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      return x.keySet().equals(y.keySet())
          && x.keySet().stream().allMatch(k -> same(x.get(k), y.get(k)));
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof scala.collection.Map<?, ?> x && b instanceof scala.collection.Map<?, ?> y) {
      return same(JavaConverters.mapAsJavaMap(x), JavaConverters.mapAsJavaMap(y));
    }
    if (a instanceof Seq<?> x && b instanceof Seq<?> y) {
      return same(JavaConverters.seqAsJavaList(x), JavaConverters.seqAsJavaList(y));
    }
    if (a instanceof Row x && b instanceof Row y) {
      return same(JavaConverters.seqAsJavaList(x.toSeq()), JavaConverters.seqAsJavaList(y.toSeq()));
    }
    return a.equals(b);
  }
}
