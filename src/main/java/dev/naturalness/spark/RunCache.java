package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;

import dev.naturalness.checks.JobChecks;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's incremental cache (incremental.cache), when it has one: the parts it stored, read once
 * for the run, attached to each student's rows before planning, and the run's scores stored as a
 * new version at the end ({@link IncrementalCache}).
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
  }

  /** The rows with what the cache holds for a student's task (the rows as they are without one). */
  Dataset<Row> attach(Dataset<Row> canonical, ScoringTask task) throws IOException {
    JobChecks.Cache cache = checked.cache();
    if (cache == null) {
      return canonical;
    }
    Dataset<Row> rows =
        stages.keep(
            IncrementalCache.attachParts(
                canonical,
                IncrementalCache.neededParts(task.student().definition()),
                storedParts(cache)));
    LOG.info(
        "incremental cache {}: {} rows have stored scores for student {}",
        settings().incremental().cache(),
        rows.filter(col(Fields.CACHED_PARTS).isNotNull()).count(),
        task.student().name());
    return rows;
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
