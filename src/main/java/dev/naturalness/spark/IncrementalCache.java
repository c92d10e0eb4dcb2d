package dev.naturalness.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;

import dev.naturalness.data.Fields;
import dev.naturalness.data.Metric;
import dev.naturalness.output.CacheDirectory;
import dev.naturalness.scoring.ScoreDefinition;
import dev.naturalness.scoring.WindowRule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Scores kept between runs (incremental.cache), stored by part: per response_id and text sha256,
 * the GALP part and each window's part under the hash of what that part depends on (the student's
 * files, the step source, the window, the length limit, sampling: {@link
 * ScoreDefinition#partHash}). A run reuses the parts it finds, scores only what is missing (adding
 * a window or a student scores only that), and writes a new version: its own parts and every part
 * it read that it did not replace. The directory's protocol (marker, versions, damaged files) is
 * {@link CacheDirectory}'s; this class reads and writes the parts with Spark.
 */
public final class IncrementalCache {
  static final String TEXT_SHA = CacheDirectory.TEXT_SHA;

  /** A stored part: the response it belongs to, the text it was scored on, and the part. */
  static final StructType STORED = stored();

  private static final String VERSION = "_version";
  private static final String FILE = "_file";
  private static final String RESUMED_VERSION = "_resume";

  /** Marks the parts read from a work area. */
  static final String FROM_RESUME = "_from_resume";

  private IncrementalCache() {}

  private static StructType stored() {
    StructType t =
        new StructType()
            .add(Fields.RESPONSE_ID, DataTypes.StringType, true)
            .add(TEXT_SHA, DataTypes.StringType, true);
    for (StructField f : PartRows.SCHEMA.fields()) {
      t = t.add(f);
    }
    return t;
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

  /**
   * The stored parts of every version the cache held when the run started, each row with the
   * version and file it came from (null when the cache held none); files gone since (another run
   * merged them into its own version) and files that cannot be read are left out: their responses
   * are scored again. The run reads them once ({@link #unreadFiles} counts what was read), keeping
   * them for the attach and the update.
   */
  static Dataset<Row> stored(
      SparkSession spark, CacheDirectory.Contents contents, Configuration hadoop)
      throws IOException {
    Dataset<Row> all = null;
    for (CacheDirectory.Version v : contents.versions()) {
      List<String> files = new ArrayList<>();
      for (String f : v.files()) {
        Path p = new Path(f);
        if (p.getFileSystem(hadoop).exists(p)) {
          files.add(f);
        }
      }
      if (files.isEmpty()) {
        continue;
      }
      Dataset<Row> rows =
          spark
              .read()
              .schema(STORED)
              .option("ignoreCorruptFiles", "true")
              .option("ignoreMissingFiles", "true")
              .parquet(files.toArray(new String[0]))
              .withColumn(VERSION, lit(new Path(v.path()).getName()))
              .withColumn(FILE, input_file_name());
      all = all == null ? rows : all.unionByName(rows);
    }
    return all;
  }

  /**
   * The parts committed to a work area ({@link dev.naturalness.output.ResumeArea}), marked {@link
   * #FROM_RESUME}: each file a finished task's whole, so a file that cannot be read is skipped (its
   * responses are scored again).
   */
  static Dataset<Row> resumed(SparkSession spark, List<String> files) {
    return spark
        .read()
        .schema(STORED)
        .option("ignoreCorruptFiles", "true")
        .option("ignoreMissingFiles", "true")
        .parquet(files.toArray(new String[0]))
        .withColumn(VERSION, lit(RESUMED_VERSION))
        .withColumn(FILE, input_file_name())
        .withColumn(FROM_RESUME, lit(true));
  }

  /**
   * How many of the canonical rows that get stored parts get every needed part, at least one of
   * them from a work area (the rows a rerun reuses from the run it resumes rather than the cache).
   */
  static long resumedRows(Dataset<Row> canonical, Map<String, String> needed, Dataset<Row> all) {
    return matches(canonical, needed, all)
        .groupBy(col("c." + Fields.ROW))
        .agg(
            countDistinct(col("k.part")).as("_parts"),
            max(coalesce(col("k." + FROM_RESUME), lit(false))).as("_resumed"))
        .filter(col("_parts").equalTo(needed.size()).and(col("_resumed")))
        .count();
  }

  /**
   * The files of the stored parts that were not read whole (a file damaged in its body, found only
   * when its pages are read; Spark skips the rest of such a file), one line each: their responses
   * are scored again.
   */
  static List<String> unreadFiles(Dataset<Row> stored, CacheDirectory.Contents contents) {
    Map<String, Long> read = new HashMap<>();
    for (Row r : stored.groupBy(col(VERSION), col(FILE)).count().collectAsList()) {
      read.merge(
          r.<String>getAs(VERSION) + "/" + new Path(r.<String>getAs(FILE)).getName(),
          r.<Long>getAs("count"),
          Long::sum);
    }
    List<String> out = new ArrayList<>();
    for (CacheDirectory.Version v : contents.versions()) {
      String version = new Path(v.path()).getName();
      v.rows()
          .forEach(
              (file, rows) -> {
                long got = read.getOrDefault(version + "/" + file, 0L);
                if (got < rows) {
                  out.add(
                      "incremental cache file "
                          + file
                          + " in "
                          + version
                          + " could not be read whole ("
                          + got
                          + " of its "
                          + rows
                          + " rows); the responses not read from it are scored again");
                }
              });
    }
    return out;
  }

  /**
   * The canonical rows with {@link Fields#CACHED_PARTS}: the reusable parts stored for each row's
   * id and text under the given hashes (null when none). Duplicates and rows with a read problem
   * get none: their status is decided again.
   */
  public static Dataset<Row> attachParts(
      Dataset<Row> canonical, Map<String, String> needed, Dataset<Row> all) {
    if (all == null) {
      return canonical.withColumn(
          Fields.CACHED_PARTS, lit(null).cast(DataTypes.createArrayType(PartRows.SCHEMA)));
    }
    Column[] part =
        Arrays.stream(PartRows.SCHEMA.fieldNames()).map(f -> col("k." + f)).toArray(Column[]::new);
    Dataset<Row> hits =
        matches(canonical, needed, all)
            .groupBy(col("c." + Fields.ROW).as("_hit_row"))
            .agg(collect_list(struct(part)).as(Fields.CACHED_PARTS));
    // The job caches what comes of this join: as many partitions as the canonical rows have
    // (CachedPartitions).
    return canonical
        .join(hits, canonical.col(Fields.ROW).equalTo(hits.col("_hit_row")), "left")
        .drop("_hit_row")
        .repartition(CachedPartitions.like(canonical));
  }

  /**
   * Each canonical row ({@code c}) that may take stored parts, joined to every stored part ({@code
   * k}) of its id and text under a needed hash with a reusable status. Two versions may hold the
   * same part: either is right (same text, same definition), and a row's parts are taken by name.
   */
  private static Dataset<Row> matches(
      Dataset<Row> canonical, Map<String, String> needed, Dataset<Row> all) {
    Dataset<Row> stored =
        all.filter(
            col(PartRows.PART_HASH)
                .isin(needed.values().toArray())
                .and(col("status").isin(PartRows.REUSABLE.toArray())));
    return canonical
        .filter(col(Fields.DUPLICATE).equalTo("NONE").and(col(Fields.READ_PROBLEM).isNull()))
        .select(Fields.ROW, Fields.RESPONSE_ID, Fields.TEXT_SHA)
        .alias("c")
        .join(
            stored.alias("k"),
            col("c." + Fields.RESPONSE_ID)
                .equalTo(col("k." + Fields.RESPONSE_ID))
                .and(col("c." + Fields.TEXT_SHA).equalTo(col("k." + TEXT_SHA))));
  }

  /** One row per key: the one from the newest version (two runs at once leave two versions). */
  private static Dataset<Row> newestFirst(Dataset<Row> rows, String... key) {
    WindowSpec newest =
        Window.partitionBy(Arrays.stream(key).map(functions::col).toArray(Column[]::new))
            .orderBy(col(VERSION).desc());
    return rows.withColumn("_n", row_number().over(newest))
        .filter(col("_n").equalTo(1))
        .drop("_n", VERSION, FILE);
  }

  /**
   * Writes this run's parts (every student's) and the parts of the versions it read that it did not
   * replace as a new version, then removes the versions it read. A part of a response scored now
   * replaces the one stored for it, whatever its text was.
   */
  public static void update(
      Dataset<Row> scores,
      Dataset<Row> old,
      CacheDirectory directory,
      CacheDirectory.Contents read,
      String version)
      throws IOException {
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
    if (old != null) {
      Dataset<Row> kept =
          newestFirst(old, Fields.RESPONSE_ID, PartRows.PART_HASH)
              .join(
                  next.select(Fields.RESPONSE_ID, PartRows.PART_HASH),
                  JavaConverters.asScalaBuffer(List.of(Fields.RESPONSE_ID, PartRows.PART_HASH))
                      .toSeq(),
                  "left_anti");
      next = next.unionByName(kept);
    }
    next.write().mode(SaveMode.Overwrite).parquet(version);
    directory.removeRead(read, version);
  }
}
