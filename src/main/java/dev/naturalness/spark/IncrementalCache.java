package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;

import dev.naturalness.scoring.Metric;
import dev.naturalness.scoring.ScoreDefinition;
import dev.naturalness.scoring.WindowRule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Scores kept between runs (incremental.cache), stored by part: per response_id and text sha256,
 * the GALP part and each window's part under the hash of what that part depends on (the student's
 * files, the step source, the window, the length limit, sampling: {@link
 * ScoreDefinition#partHash}). A run reuses the parts it finds, scores only what is missing (adding
 * a window or a student scores only that), and writes a new version. Versions are directories named
 * by the run's start; a reader takes the newest that finished (_SUCCESS), so a run that dies while
 * writing leaves the previous version in place.
 */
public final class IncrementalCache {
  static final String TEXT_SHA = "text_sha";

  private final Path root;
  private final Configuration hadoop;

  public IncrementalCache(String path, Configuration hadoop) {
    this.root = new Path(path);
    this.hadoop = hadoop;
  }

  /** The parts a definition needs: part name to the hash it is stored under. */
  public static Map<String, String> neededParts(ScoreDefinition d) {
    Map<String, String> parts = new LinkedHashMap<>();
    if (d.computes(Metric.GALP)) {
      parts.put(Metric.GALP.key(), d.partHash(Metric.GALP.key()));
    }
    if (d.computes(Metric.LALP)) {
      for (WindowRule w : d.windows()) {
        parts.put(w.spec(), d.partHash(w.spec()));
      }
    }
    return parts;
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

  /**
   * The canonical rows with {@link Fields#CACHED_PARTS}: the reusable parts stored for each row's
   * id and text under the given hashes (null when none). Duplicates and rows with a read problem
   * get none: their status is decided again.
   */
  public Dataset<Row> attachParts(
      SparkSession spark, Dataset<Row> canonical, Map<String, String> needed) throws IOException {
    Path latest = latest();
    if (latest == null) {
      return canonical.withColumn(
          Fields.CACHED_PARTS,
          org.apache
              .spark
              .sql
              .functions
              .lit(null)
              .cast(org.apache.spark.sql.types.DataTypes.createArrayType(PartRows.SCHEMA)));
    }
    Dataset<Row> stored =
        spark
            .read()
            .parquet(latest.toString())
            .filter(
                col(PartRows.PART_HASH)
                    .isin(needed.values().toArray())
                    .and(col("status").isin(PartRows.REUSABLE.toArray())));
    Column[] part =
        Arrays.stream(PartRows.SCHEMA.fieldNames()).map(f -> col("k." + f)).toArray(Column[]::new);
    Dataset<Row> hits =
        canonical
            .filter(col(Fields.DUPLICATE).equalTo("NONE").and(col(Fields.READ_PROBLEM).isNull()))
            .select(Fields.ROW, Fields.RESPONSE_ID, Fields.TEXT_SHA)
            .alias("c")
            .join(
                stored.alias("k"),
                col("c." + Fields.RESPONSE_ID)
                    .equalTo(col("k." + Fields.RESPONSE_ID))
                    .and(col("c." + Fields.TEXT_SHA).equalTo(col("k." + TEXT_SHA))))
            .groupBy(col("c." + Fields.ROW).as("_hit_row"))
            .agg(collect_list(struct(part)).as(Fields.CACHED_PARTS));
    // The job caches what comes of this join: as many partitions as the canonical rows have
    // (CachedPartitions).
    return canonical
        .join(hits, canonical.col(Fields.ROW).equalTo(hits.col("_hit_row")), "left")
        .drop("_hit_row")
        .repartition(CachedPartitions.like(canonical));
  }

  /** Whether a row's stored parts hold everything the definition needs. */
  public static Column complete(Map<String, String> needed) {
    return col(Fields.CACHED_PARTS)
        .isNotNull()
        .and(size(col(Fields.CACHED_PARTS)).equalTo(needed.size()));
  }

  /**
   * Writes this run's parts (every student's) and the previous version's other parts as a new
   * version; a part of a response scored now replaces the one stored for it, whatever its text was.
   */
  public void update(SparkSession spark, Dataset<Row> scores, String version) throws IOException {
    Path previous = latest();
    List<Column> columns =
        new ArrayList<>(List.of(col(Fields.RESPONSE_ID), col(Fields.TEXT_SHA).as(TEXT_SHA)));
    for (String f : PartRows.SCHEMA.fieldNames()) {
      columns.add(col("_p." + f).as(f));
    }
    Dataset<Row> next =
        scores
            .filter(col(ScoreRows.PARTS).isNotNull())
            .select(
                col(Fields.RESPONSE_ID),
                col(Fields.TEXT_SHA),
                explode(col(ScoreRows.PARTS)).as("_p"))
            .select(columns.toArray(new Column[0]))
            .filter(col("status").isin(PartRows.REUSABLE.toArray()));
    if (previous != null) {
      Dataset<Row> old = spark.read().parquet(previous.toString());
      next =
          next.unionByName(
              old.join(
                  next.select(Fields.RESPONSE_ID, PartRows.PART_HASH),
                  old.col(Fields.RESPONSE_ID)
                      .equalTo(next.col(Fields.RESPONSE_ID))
                      .and(old.col(PartRows.PART_HASH).equalTo(next.col(PartRows.PART_HASH))),
                  "left_anti"));
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
}
