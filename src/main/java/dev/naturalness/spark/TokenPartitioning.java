package dev.naturalness.spark;

import java.util.Iterator;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Cuts the rows to score into partitions that carry similar planned work: rows keep their order and
 * each partition takes a contiguous run of about total / n planned model tokens. The plan pass
 * gives each input partition's total; one more pass assigns each row its partition from the running
 * total, planning the row again with the tokenizer (cheap beside the model).
 */
public final class TokenPartitioning {
  private TokenPartitioning() {}

  /** The plan: how many partitions and where each input partition's running total starts. */
  public record Plan(int partitions, double tokensPerPartition, long[] offsets, long totalTokens) {}

  /**
   * Partitions of about {@code tokensPerPartition} planned tokens, at least {@code minPartitions},
   * never more than rows.
   */
  public static Plan plan(
      long[] partitionWeights, long rows, long tokensPerPartition, int minPartitions) {
    long[] offsets = new long[partitionWeights.length];
    long total = 0;
    for (int p = 0; p < partitionWeights.length; p++) {
      offsets[p] = total;
      total += partitionWeights[p];
    }
    long wanted =
        Math.max(Math.max(1, minPartitions), (total + tokensPerPartition - 1) / tokensPerPartition);
    int n = (int) Math.max(1, Math.min(Math.min(Integer.MAX_VALUE, wanted), Math.max(1, rows)));
    return new Plan(n, Math.max(1.0, (double) total / n), offsets, total);
  }

  /** The rows spread over the plan's partitions. */
  static JavaRDD<Row> partition(Dataset<Row> rows, Plan plan, RowCost cost) {
    long[] offsets = plan.offsets();
    double per = plan.tokensPerPartition();
    int n = plan.partitions();
    JavaPairRDD<Integer, Row> keyed =
        rows.javaRDD()
            .mapPartitionsWithIndex(
                (Integer p, Iterator<Row> it) ->
                    (Iterator<Tuple2<Integer, Row>>)
                        new Iterator<Tuple2<Integer, Row>>() {
                          private long running = p < offsets.length ? offsets[p] : 0;

                          @Override
                          public boolean hasNext() {
                            return it.hasNext();
                          }

                          @Override
                          public Tuple2<Integer, Row> next() {
                            Row r = it.next();
                            long weight = cost.weight(r);
                            // A row goes where its middle falls.
                            int target =
                                (int) Math.min(n - 1, (long) ((running + weight / 2.0) / per));
                            running += weight;
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
