package dev.naturalness.spark;

import java.io.Serializable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/** Progress counters fed by the executors: responses done, and the model tokens they ran. */
public record ScoreCounters(LongAccumulator responses, LongAccumulator tokens)
    implements Serializable {
  public static ScoreCounters register(SparkSession spark) {
    return new ScoreCounters(
        spark.sparkContext().longAccumulator("naturalness.responses"),
        spark.sparkContext().longAccumulator("naturalness.tokens"));
  }
}
