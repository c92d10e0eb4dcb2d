package dev.naturalness.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How many partitions a shuffle inside a dataset the job caches should make: as many as its source
 * has. Spark 3.5 does not coalesce shuffle partitions inside a cached plan, so such a shuffle would
 * keep spark.sql.shuffle.partitions (200 by default), and every later pass over a small cache would
 * run that many tasks (about a second each on two cores).
 */
final class CachedPartitions {
  private CachedPartitions() {}

  static int like(Dataset<Row> source) {
    return Math.max(1, source.rdd().getNumPartitions());
  }
}
