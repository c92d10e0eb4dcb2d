package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Scores kept between runs (incremental.cache), keyed by response_id, the text's sha256 and the
 * config hash (the student's sha256 and every setting that changes a score). A run reuses the rows
 * it finds, scores the rest, and writes a new version of the cache. Versions are directories named
 * by the run's start; a reader takes the newest one that finished (_SUCCESS), so a run that dies
 * while writing leaves the previous version in place.
 */
public final class IncrementalCache {
  /** Statuses that depend only on the text and the settings, and so may be reused. */
  static final List<String> REUSABLE = List.of(Status.OK, Status.UNSCORABLE);

  static final String[] COLUMNS = {
    Fields.RESPONSE_ID,
    Fields.TEXT_SHA,
    Fields.CONFIG_HASH,
    Fields.LALP,
    Fields.GALP,
    Fields.N_TOKENS,
    Fields.N_STEPS,
    Fields.TRUNCATED,
    Fields.STATUS,
    Fields.ERROR,
    Fields.STEP_SCORES
  };

  private final Path root;
  private final Configuration hadoop;

  public IncrementalCache(String path, Configuration hadoop) {
    this.root = new Path(path);
    this.hadoop = hadoop;
  }

  /** The newest finished version, or null. */
  Path latest() throws IOException {
    FileSystem fs = root.getFileSystem(hadoop);
    if (!fs.exists(root)) {
      return null;
    }
    FileStatus[] versions = fs.listStatus(root, p -> p.getName().startsWith("v="));
    Arrays.sort(versions, (a, b) -> b.getPath().getName().compareTo(a.getPath().getName()));
    for (FileStatus v : versions) {
      if (fs.exists(new Path(v.getPath(), "_SUCCESS"))) {
        return v.getPath();
      }
    }
    return null;
  }

  /** The cached rows for this config hash (empty when there is no cache yet). */
  public Dataset<Row> cachedScores(SparkSession spark, String configHash) throws IOException {
    Path latest = latest();
    if (latest == null) {
      return null;
    }
    return spark
        .read()
        .parquet(latest.toString())
        .filter(col(Fields.CONFIG_HASH).equalTo(configHash));
  }

  /**
   * Score rows for the canonical rows found in the cache (same response_id and text, nothing wrong
   * with the row), in ScoreStage.SCHEMA's order, and the canonical rows left to score.
   */
  public static Dataset<Row>[] split(
      Dataset<Row> canonical, Dataset<Row> cached, String studentName) {
    Dataset<Row> clean =
        canonical.filter(
            col(Fields.DUPLICATE).equalTo(false).and(col(Fields.ROW_PROBLEM).isNull()));
    Dataset<Row> hits =
        clean
            .alias("c")
            .join(
                cached.alias("k"),
                col("c." + Fields.RESPONSE_ID)
                    .equalTo(col("k." + Fields.RESPONSE_ID))
                    .and(col("c." + Fields.TEXT_SHA).equalTo(col("k." + Fields.TEXT_SHA))));
    List<Column> out = new ArrayList<>();
    for (String f : ScoreStage.SCHEMA.fieldNames()) {
      Column value =
          switch (f) {
            case Fields.RESPONSE_ID,
                Fields.PROMPT_ID,
                Fields.TEACHER,
                Fields.CORRECT,
                Fields.ROW,
                Fields.TEXT_SHA ->
                col("c." + f);
            case Fields.STUDENT -> lit(studentName);
            case Fields.MODEL_TOKENS -> lit(0L);
            case Fields.REUSED -> lit(true);
            default -> col("k." + f);
          };
      out.add(value.as(f));
    }
    // The job caches these rows: the join's output comes in as many partitions as the canonical
    // rows have (CachedPartitions).
    Dataset<Row> reused =
        hits.select(out.toArray(new Column[0])).coalesce(CachedPartitions.like(canonical));
    Dataset<Row> rest =
        canonical.join(
            reused.select(col(Fields.ROW)),
            canonical.col(Fields.ROW).equalTo(reused.col(Fields.ROW)),
            "left_anti");
    @SuppressWarnings("unchecked")
    Dataset<Row>[] parts = new Dataset[] {reused, rest};
    return parts;
  }

  /** Writes this run's reusable rows, plus other config hashes' rows, as a new version. */
  public void update(SparkSession spark, Dataset<Row> scores, String configHash, String version)
      throws IOException {
    Path previous = latest();
    Dataset<Row> next = cacheColumns(scores.filter(col(Fields.STATUS).isin(REUSABLE.toArray())));
    if (previous != null) {
      next =
          next.unionByName(
              cacheColumns(
                  spark
                      .read()
                      .parquet(previous.toString())
                      .filter(col(Fields.CONFIG_HASH).notEqual(configHash))));
    }
    Path target = new Path(root, "v=" + version);
    next.write().mode(SaveMode.Overwrite).parquet(target.toString());
    FileSystem fs = root.getFileSystem(hadoop);
    for (FileStatus old :
        fs.listStatus(
            root, p -> p.getName().startsWith("v=") && !p.getName().equals(target.getName()))) {
      fs.delete(old.getPath(), true);
    }
  }

  private static Dataset<Row> cacheColumns(Dataset<Row> rows) {
    return rows.select(COLUMNS[0], Arrays.copyOfRange(COLUMNS, 1, COLUMNS.length));
  }
}
