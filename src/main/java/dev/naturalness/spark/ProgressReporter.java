package dev.naturalness.spark;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * One log line at a steady pace while scoring runs: responses scored of the total, model tokens run
 * of those planned, tokens/s, and an ETA from the planned tokens left (a response's cost grows with
 * the square of its steps, so tokens say more than responses). Finished tasks count through the
 * accumulators; running tasks through the values their executors send with each heartbeat, which
 * the job makes come at least twice per progress interval.
 */
public final class ProgressReporter extends SparkListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

  /**
   * Where this student's scoring stands in the run: its name, its place among the students (1 of
   * 2), the planned model tokens of the students before it and of the whole run.
   */
  public record Position(
      String student, int index, int students, long tokensBefore, long runPlannedTokens) {}

  private final SparkSession spark;
  private final ScoreCounters counters;
  private final long totalResponses;
  private final long plannedTokens;
  private final Position at;
  private final long startNanos = System.nanoTime();
  private final Map<Long, long[]> running = new ConcurrentHashMap<>();
  private final AtomicInteger tasks = new AtomicInteger();
  private final ScheduledExecutorService clock;

  /** The reporter of the scoring that runs now, if any (a driver JVM runs one run). */
  private static volatile ProgressReporter active;

  public ProgressReporter(
      SparkSession spark,
      ScoreCounters counters,
      long totalResponses,
      long plannedTokens,
      Position at,
      double intervalSeconds) {
    this.spark = spark;
    this.at = at;
    this.counters = counters;
    this.totalResponses = totalResponses;
    this.plannedTokens = plannedTokens;
    spark.sparkContext().addSparkListener(this);
    active = this;
    clock = everyInterval("naturalness-progress", intervalSeconds, false, () -> LOG.info(line()));
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (Tuple4<Object, Object, Object, Seq<AccumulableInfo>> task :
        JavaConverters.seqAsJavaList(update.accumUpdates())) {
      long[] values = new long[2];
      for (AccumulableInfo info : JavaConverters.seqAsJavaList(task._4())) {
        if (info.id() == counters.responses().id() && info.update().isDefined()) {
          values[0] = ((Number) info.update().get()).longValue();
        } else if (info.id() == counters.tokens().id() && info.update().isDefined()) {
          values[1] = ((Number) info.update().get()).longValue();
        }
      }
      running.put((Long) task._1(), values);
    }
  }

  @Override
  public void onTaskStart(SparkListenerTaskStart start) {
    tasks.incrementAndGet();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    tasks.decrementAndGet();
    running.remove(end.taskInfo().taskId());
  }

  /** The scoring that runs now, or null. */
  static ProgressReporter active() {
    return active;
  }

  long totalResponses() {
    return totalResponses;
  }

  /**
   * Seconds left: by the planned tokens left at the rate so far (the run's plan with several
   * students), else by the responses left; -1 while nothing tells.
   */
  long etaSeconds() {
    long[] p = progress();
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    boolean several = at.students() > 1;
    long planned = several ? at.runPlannedTokens() : plannedTokens;
    long done = several ? at.tokensBefore() + p[1] : p[1];
    if (planned > 0 && p[1] > 0) {
      return (long) (Math.max(0, planned - done) / (p[1] / seconds));
    }
    if (p[0] > 0 && !several) {
      return (long) ((totalResponses - p[0]) * seconds / p[0]);
    }
    return -1;
  }

  /** responses, tokens: finished tasks plus what running tasks last reported. */
  public long[] progress() {
    long responses = counters.responses().value();
    long tokens = counters.tokens().value();
    for (long[] v : running.values()) {
      responses += v[0];
      tokens += v[1];
    }
    return new long[] {Math.min(responses, totalResponses), tokens};
  }

  /**
   * With several students the line says which one is scoring, and counts the run's tokens and its
   * ETA over every student's plan (each student scores the corpus in turn).
   */
  public String line() {
    long[] p = progress();
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    double rate = p[1] / seconds;
    boolean several = at.students() > 1;
    long runDone = at.tokensBefore() + p[1];
    long left = etaSeconds();
    String eta = left < 0 ? "unknown" : clock(Duration.ofSeconds(left));
    return String.format(
        Locale.ROOT,
        "progress: %,d/%,d responses (%.1f%%)%s, %,d of %,d planned model tokens%s, %,.0f"
            + " tokens/s, %d tasks running, elapsed %s, ETA %s%s",
        p[0],
        totalResponses,
        100.0 * p[0] / Math.max(1, totalResponses),
        several
            ? String.format(
                Locale.ROOT, " of student %s (%d of %d)", at.student(), at.index(), at.students())
            : "",
        p[1],
        plannedTokens,
        several
            ? String.format(Locale.ROOT, " (run: %,d of %,d)", runDone, at.runPlannedTokens())
            : "",
        rate,
        Math.max(0, tasks.get()),
        clock(Duration.ofSeconds((long) seconds)),
        eta,
        several ? " for the run" : "");
  }

  /**
   * Runs {@code task} on a daemon thread of its own every interval (at least 100 ms), the first
   * time at once or after one interval.
   */
  static ScheduledExecutorService everyInterval(
      String thread, double intervalSeconds, boolean now, Runnable task) {
    ScheduledExecutorService clock =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, thread);
              t.setDaemon(true);
              return t;
            });
    long millis = Math.max(100, (long) (intervalSeconds * 1000));
    clock.scheduleAtFixedRate(task, now ? 0 : millis, millis, TimeUnit.MILLISECONDS);
    return clock;
  }

  static String clock(Duration d) {
    long s = d.getSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  @Override
  public void close() {
    clock.shutdownNow();
    if (active == this) {
      active = null;
    }
    spark.sparkContext().removeSparkListener(this);
  }
}
