package dev.naturalness.spark;

import dev.naturalness.config.ConfigError;
import dev.naturalness.data.Messages;
import dev.naturalness.model.StudentException;
import dev.naturalness.output.JobFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the driver's stages, each the same way: its Spark jobs carry its name as their description
 * ({@code naturalness: score} in the Spark UI and the event log), its wall time is kept, and an I/O
 * failure (a path that cannot be read or written, by the job or by Spark's tasks) stops the run
 * with one line naming the stage. What a stage caches for later stages is released when the run
 * ends ({@link #close}).
 */
public final class Stages implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Stages.class);

  /** A stage's work. */
  public interface Body<T> {
    T run() throws IOException;
  }

  /**
   * The stage the driver is in, for the line a run stopped by a signal prints (a driver JVM runs
   * one run; the shutdown hook that reads it has no other way in).
   */
  private static volatile String current;

  /** The stage begun last, which a run that ends between stages ends in. */
  private static volatile String latest;

  private final SparkSession spark;
  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private final List<Dataset<Row>> keptForRun = new ArrayList<>();

  public Stages(SparkSession spark) {
    this.spark = spark;
    latest = null;
  }

  /** The stage the driver is in now (null: none yet, or between stages). */
  public static String current() {
    return current;
  }

  /** The stage the driver is in, or else the one it was in last (null: none yet). */
  public static String latest() {
    String now = current;
    return now != null ? now : latest;
  }

  public <T> T run(String name, Body<T> body) {
    spark.sparkContext().setJobDescription("naturalness: " + name);
    String outer = current;
    current = name;
    if (outer == null) {
      latest = name;
      LOG.info("stage {}", name);
    }
    long started = System.nanoTime();
    try {
      return body.run();
    } catch (IOException | UncheckedIOException e) {
      throw ioFailure(name, e);
    } catch (JobFailure | ConfigError | StudentException e) {
      throw e; // already one line, said by the job itself
    } catch (RuntimeException e) {
      Throwable io = ioCause(e);
      throw io != null ? ioFailure(name, io) : failure(name, e);
    } catch (Exception e) { // Spark's AnalysisException is checked, though nothing declares it
      throw isPathProblem(e) ? ioFailure(name, e) : failure(name, e);
    } finally {
      current = outer;
      double s = (System.nanoTime() - started) / 1e9;
      seconds.merge(name.replace(' ', '_'), Math.round(s * 1000) / 1000.0, Double::sum);
      spark.sparkContext().setJobDescription(null);
      LOG.debug("stage {} took {} s", name, s);
    }
  }

  private static JobFailure ioFailure(String stage, Throwable e) {
    LOG.debug("stage {} failed", stage, e);
    return new JobFailure(
        "stage "
            + stage
            + " failed: "
            + e.getClass().getSimpleName()
            + ": "
            + Messages.firstLine(e.getMessage()).trim()
            + "; nothing was published");
  }

  /**
   * Any other failure of a stage (a task's, Spark's own): one line naming the stage and the root
   * cause; the whole trace goes to the log at debug level.
   */
  private static JobFailure failure(String stage, Throwable e) {
    LOG.debug("stage {} failed", stage, e);
    return new JobFailure(
        "stage " + stage + " failed: " + JobFailure.rootCause(e) + "; nothing was published");
  }

  /** The I/O failure behind an exception (Spark wraps its tasks' failures), or null. */
  private static Throwable ioCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException || isPathProblem(t)) {
        return t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** Spark's word for a path that is not there or cannot be read (not a mistake in a query). */
  private static boolean isPathProblem(Throwable t) {
    return t instanceof AnalysisException a
        && a.getErrorClass() != null
        && a.getErrorClass().startsWith("PATH_");
  }

  /** Caches a dataset that later stages use, until the run ends. */
  /**
   * SQL settings for this run (S3A's committers for an s3a:// output); a null value unsets the key,
   * so that a session reused across runs does not keep the last one's.
   */
  public void configure(Map<String, String> settings) {
    settings.forEach(
        (key, value) -> {
          if (value == null) {
            spark.conf().unset(key);
          } else {
            spark.conf().set(key, value);
          }
        });
  }

  public Dataset<Row> keep(Dataset<Row> d) {
    Dataset<Row> persisted = d.persist(StorageLevel.MEMORY_AND_DISK());
    keptForRun.add(persisted);
    return persisted;
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
