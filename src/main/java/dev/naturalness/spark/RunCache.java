package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;

import dev.naturalness.checks.JobChecks;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.output.ResumeArea;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's stored scores: its incremental cache (incremental.cache), when it has one, and the work
 * area an unfinished run on the same output left ({@link ResumeArea}). Their parts are read once
 * for the run and attached to each student's rows before planning; the scoring tasks commit to the
 * work area as they end; the run's scores are stored as the cache's new version at the end ({@link
 * IncrementalCache}), and the work area goes once the run has published.
 */
final class RunCache {
  private static final Logger LOG = LoggerFactory.getLogger(RunCache.class);

  private final SparkSession spark;
  private final JobChecks.Checked checked;
  private final Stages stages;
  private final Configuration hadoop;
  private final Consumer<String> warn;

  /** The stored parts, once read (empty: the cache held none). */
  private Optional<Dataset<Row>> storedParts;

  /** The work area beside the outputs. */
  private final ResumeArea area;

  /** The parts an unfinished run committed to the work area, once read (empty: none). */
  private Optional<Dataset<Row>> resumedParts;

  /** Rows whose every part came from the work area or the cache, at least one from the area. */
  private long resumedRows;

  RunCache(
      SparkSession spark,
      JobChecks.Checked checked,
      Stages stages,
      Configuration hadoop,
      Consumer<String> warn) {
    this.spark = spark;
    this.checked = checked;
    this.stages = stages;
    this.hadoop = hadoop;
    this.warn = warn;
    this.area = new ResumeArea(checked.settings().output().path(), hadoop);
  }

  /** The rows with what the cache holds for a student's task (the rows as they are without one). */
  Dataset<Row> attach(Dataset<Row> canonical, ScoringTask task) throws IOException {
    JobChecks.Cache cache = checked.cache();
    Dataset<Row> resumed = resumedParts();
    if (cache == null && resumed == null) {
      return canonical;
    }
    Dataset<Row> cached = cache == null ? null : storedParts(cache);
    Dataset<Row> stored =
        resumed == null ? cached : cached == null ? resumed : cached.unionByName(resumed, true);
    Map<String, String> needed = IncrementalCache.neededParts(task.student().definition());
    Dataset<Row> rows = stages.keep(IncrementalCache.attachParts(canonical, needed, stored));
    long resumedNow = resumed == null ? 0 : IncrementalCache.resumedRows(canonical, needed, stored);
    resumedRows += resumedNow;
    LOG.info(
        "{}{} rows have stored scores for student {}{}",
        cache == null ? "" : "incremental cache " + settings().incremental().cache() + ": ",
        rows.filter(col(Fields.CACHED_PARTS).isNotNull()).count(),
        task.student().name(),
        resumed == null
            ? ""
            : ", "
                + resumedNow
                + " of them from the unfinished run that left work area "
                + area.path());
    return rows;
  }

  /** Where the scoring tasks of the run's {@code student}-th student commit. */
  ResumeArea.Target target(int student) {
    return area.target(checked.runId(), student);
  }

  /** Where the exact check's tasks of the run's {@code student}-th student write. */
  ResumeArea.Target checkTarget(int student) {
    return area.checkTarget(checked.runId(), student);
  }

  /** Rows reused from the work area an unfinished run left. */
  long resumedRows() {
    return resumedRows;
  }

  /** After publishing: the work area is no longer needed. */
  void published() {
    area.remove(warn);
  }

  /**
   * The parts committed to the work area by an unfinished run of the same corpus, read once (null
   * when there are none); an area of another corpus is removed first (a run that scores).
   */
  private Dataset<Row> resumedParts() throws IOException {
    if (resumedParts == null) {
      List<String> files =
          area.open(
              ResumeArea.corpusKey(checked.input().files(), hadoop),
              !settings().plan().only(),
              warn);
      resumedParts =
          files.isEmpty()
              ? Optional.empty()
              : Optional.of(stages.keep(IncrementalCache.resumed(spark, files)));
      if (!files.isEmpty()) {
        LOG.info(
            "work area {}: {} committed task files of an unfinished run",
            area.path(),
            files.size());
      }
    }
    return resumedParts.orElse(null);
  }

  /** Stores the run's scores as the cache's new version (nothing without a cache). */
  void update(Dataset<Row> scores) {
    JobChecks.Cache cache = checked.cache();
    if (cache != null) {
      stages.run(
          "update cache",
          () -> {
            IncrementalCache.update(
                scores,
                storedParts(cache),
                cache.directory(),
                cache.contents(),
                cache.directory().newVersion(checked.started().toEpochMilli(), checked.runId()));
            return null;
          });
    }
  }

  /**
   * The parts the incremental cache stored, read once for the run (every student's attach and the
   * update use them), with a warning for each file that could not be read whole.
   */
  private Dataset<Row> storedParts(JobChecks.Cache cache) throws IOException {
    if (storedParts == null) {
      Dataset<Row> stored = IncrementalCache.stored(spark, cache.contents(), hadoop);
      storedParts = stored == null ? Optional.empty() : Optional.of(stages.keep(stored));
      storedParts.ifPresent(
          parts -> IncrementalCache.unreadFiles(parts, cache.contents()).forEach(warn));
    }
    return storedParts.orElse(null);
  }

  private Settings.Job settings() {
    return checked.settings();
  }
}
