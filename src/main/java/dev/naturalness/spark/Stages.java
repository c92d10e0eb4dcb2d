package dev.naturalness.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the driver's stages, each the same way: its Spark jobs carry its name as their description
 * ({@code naturalness: score} in the Spark UI and the event log), its wall time is kept, an I/O
 * failure is reported with its name, and what it cached only for itself is released when it ends.
 * What a stage caches for later stages is released when the run ends ({@link #close}).
 */
public final class Stages implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Stages.class);

  /** A stage's work; {@code scope} caches datasets it alone uses. */
  public interface Body<T> {
    T run(Scope scope) throws IOException;
  }

  /** Datasets a stage caches for itself, released when it ends. */
  public static final class Scope {
    private final List<Dataset<Row>> cached = new ArrayList<>();

    public Dataset<Row> cache(Dataset<Row> d) {
      Dataset<Row> persisted = d.persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(persisted);
      return persisted;
    }

    void release() {
      cached.forEach(Dataset::unpersist);
      cached.clear();
    }
  }

  private final SparkSession spark;
  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private final List<Dataset<Row>> keptForRun = new ArrayList<>();

  public Stages(SparkSession spark) {
    this.spark = spark;
  }

  public <T> T run(String name, Body<T> body) {
    spark.sparkContext().setJobDescription("naturalness: " + name);
    long started = System.nanoTime();
    Scope scope = new Scope();
    try {
      return body.run(scope);
    } catch (IOException e) {
      throw new UncheckedIOException("stage " + name + ": " + e.getMessage(), e);
    } finally {
      scope.release();
      double s = (System.nanoTime() - started) / 1e9;
      seconds.merge(name.replace(' ', '_'), Math.round(s * 1000) / 1000.0, Double::sum);
      spark.sparkContext().setJobDescription(null);
      LOG.debug("stage {} took {} s", name, s);
    }
  }

  /** Caches a dataset that later stages use, until the run ends. */
  public Dataset<Row> keep(Dataset<Row> d) {
    Dataset<Row> persisted = d.persist(StorageLevel.MEMORY_AND_DISK());
    keptForRun.add(persisted);
    return persisted;
  }

  /** Releases a dataset kept for the run before the run ends (once nothing needs it). */
  public void release(Dataset<Row> d) {
    if (keptForRun.remove(d)) {
      d.unpersist();
    }
  }

  /** Wall seconds per stage, in the order they ran (a stage run twice adds up). */
  public Map<String, Double> seconds() {
    return seconds;
  }

  @Override
  public void close() {
    keptForRun.forEach(Dataset::unpersist);
    keptForRun.clear();
  }
}
