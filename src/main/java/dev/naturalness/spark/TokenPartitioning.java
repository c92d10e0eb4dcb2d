package dev.naturalness.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Cuts the corpus into partitions that carry similar estimated work: rows keep their order and each
 * partition takes a contiguous run of about total / n estimated tokens. Two light passes: one sums
 * the estimate per input partition (a few numbers to the driver), one assigns each row its
 * partition from the running total.
 */
public final class TokenPartitioning {
  private TokenPartitioning() {}

  /** The plan: how many partitions and where each input partition's running total starts. */
  public record Plan(int partitions, double tokensPerPartition, long[] offsets, long totalTokens) {}

  public static Plan plan(Dataset<Row> rows, long tokensPerPartition, int minPartitions) {
    int estimate = rows.schema().fieldIndex(Fields.EST_TOKENS);
    List<Long> sums =
        rows.javaRDD()
            .mapPartitions(
                (Iterator<Row> it) -> {
                  long s = 0;
                  while (it.hasNext()) {
                    s += Math.max(1, it.next().getLong(estimate));
                  }
                  return List.of(s).iterator();
                })
            .collect();
    long[] offsets = new long[sums.size()];
    long total = 0;
    for (int p = 0; p < sums.size(); p++) {
      offsets[p] = total;
      total += sums.get(p);
    }
    int n =
        (int)
            Math.max(
                Math.max(1, minPartitions),
                Math.min(Integer.MAX_VALUE, (total + tokensPerPartition - 1) / tokensPerPartition));
    return new Plan(n, Math.max(1.0, (double) total / n), offsets, total);
  }

  /** The rows spread over the plan's partitions. */
  public static JavaRDD<Row> partition(Dataset<Row> rows, Plan plan) {
    int estimate = rows.schema().fieldIndex(Fields.EST_TOKENS);
    long[] offsets = plan.offsets();
    double per = plan.tokensPerPartition();
    int n = plan.partitions();
    JavaPairRDD<Integer, Row> keyed =
        rows.javaRDD()
            .mapPartitionsWithIndex(
                (Integer p, Iterator<Row> it) ->
                    (Iterator<Tuple2<Integer, Row>>)
                        new Iterator<Tuple2<Integer, Row>>() {
                          private long running = offsets[p];

                          @Override
                          public boolean hasNext() {
                            return it.hasNext();
                          }

                          @Override
                          public Tuple2<Integer, Row> next() {
                            Row r = it.next();
                            long est = Math.max(1, r.getLong(estimate));
                            // A row goes where its middle falls.
                            int target =
                                (int) Math.min(n - 1, (long) ((running + est / 2.0) / per));
                            running += est;
                            return new Tuple2<>(target, r);
                          }
                        },
                true)
            .mapToPair(t -> t);
    return keyed.partitionBy(new Exact(n)).values();
  }

  /** Key k goes to partition k. */
  static final class Exact extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int n;

    Exact(int n) {
      this.n = n;
    }

    @Override
    public int numPartitions() {
      return n;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Exact e && e.n == n;
    }

    @Override
    public int hashCode() {
      return n;
    }
  }
}
