package dev.naturalness.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Messages;
import dev.naturalness.output.Outputs;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Where a run stands, every progress interval from its first stage to its end. While scoring, the
 * scoring line says it (responses, tokens, ETA: {@link ProgressReporter}); in every other stage
 * this logs the stage, the tasks done of those in its running Spark jobs, and how long the stage
 * and the run have taken. Where {@code progress.status-file} is set, the same is kept in a small
 * JSON file, rewritten whole at each interval (so an orchestrator polling it never reads half a
 * file), that ends saying whether the run succeeded, failed or was stopped by a signal.
 */
public final class RunStatus implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunStatus.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a run stands; the status file's {@code state}. */
  public enum State {
    RUNNING,
    SUCCEEDED,
    FAILED,
    STOPPED;

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The stage and how far it is: {@code done} of {@code total} {@code unit} (responses while
   * scoring, else Spark tasks of the stage's running jobs); {@code etaSeconds} -1 where none can be
   * told.
   */
  record Snapshot(String stage, long done, long total, String unit, long etaSeconds) {}

  /** The run's status, for the signal's shutdown hook (a driver JVM runs one run). */
  private static volatile RunStatus current;

  private final SparkSession spark;
  private final String runId;
  private final String file;
  private final Configuration hadoop;
  private final Instant started;
  private final ScheduledExecutorService clock;
  private String stage;
  private Instant stageSince;
  private boolean finished;
  private boolean writeFailed;

  public RunStatus(
      SparkSession spark,
      String runId,
      Settings.Progress progress,
      Configuration hadoop,
      Instant started) {
    this.spark = spark;
    this.runId = runId;
    this.file = progress.statusFile();
    this.hadoop = hadoop;
    this.started = started;
    current = this;
    clock =
        ProgressReporter.everyInterval(
            "naturalness-status", progress.intervalSeconds(), true, this::tick);
  }

  /** The run ended as {@code state}; {@code error} says why where it failed. */
  public void finish(State state, String error) {
    clock.shutdownNow();
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      write(state, snapshot(), error);
    }
  }

  /** A signal stopped the run: the status says so (called from the shutdown hook). */
  static void stoppedBySignal(String line) {
    RunStatus status = current;
    if (status != null) {
      status.finish(State.STOPPED, line);
    }
  }

  private void tick() {
    try {
      Snapshot now = snapshot();
      synchronized (this) {
        if (finished) {
          return;
        }
        if (now.stage() != null && !now.stage().equals(stage)) {
          stage = now.stage();
          stageSince = Instant.now();
        }
        if (now.stage() != null && ProgressReporter.active() == null) {
          LOG.info(line(now, since(stageSince), since(started)));
        }
        write(State.RUNNING, now, null);
      }
    } catch (RuntimeException e) { // a status that cannot be read never stops the run
      LOG.debug("run status: {}", e.toString());
    }
  }

  private Snapshot snapshot() {
    String now = Stages.latest();
    ProgressReporter scoring = ProgressReporter.active();
    if (scoring != null) {
      long[] p = scoring.progress();
      return new Snapshot(now, p[0], scoring.totalResponses(), "responses", scoring.etaSeconds());
    }
    SparkStatusTracker tracker = spark.sparkContext().statusTracker();
    long done = 0;
    long total = 0;
    for (int id : tracker.getActiveStageIds()) {
      Option<SparkStageInfo> info = tracker.getStageInfo(id);
      if (info.isDefined()) {
        done += info.get().numCompletedTasks();
        total += info.get().numTasks();
      }
    }
    return new Snapshot(now, done, total, "tasks", -1);
  }

  /** The line of a stage other than scoring. */
  static String line(Snapshot s, Duration inStage, Duration elapsed) {
    String work =
        s.total() > 0
            ? String.format(
                Locale.ROOT, "%,d of %,d tasks of its running Spark jobs", s.done(), s.total())
            : "on the driver (no Spark task running)";
    return String.format(
        Locale.ROOT,
        "progress: stage %s, %s, in the stage %s, elapsed %s",
        s.stage(),
        work,
        ProgressReporter.clock(inStage),
        ProgressReporter.clock(elapsed));
  }

  /** The status file's text. */
  static String json(
      String runId, Instant started, State state, Snapshot s, String error, Instant updated) {
    ObjectNode o = JSON.createObjectNode();
    o.put("run_id", runId);
    o.put("state", state.key());
    o.put("stage", s.stage());
    o.put("done", s.done());
    o.put("total", s.total());
    o.put("unit", s.unit());
    o.put("started", started.toString());
    o.put("updated", updated.toString());
    o.put("elapsed_seconds", Duration.between(started, updated).toMillis() / 1000.0);
    if (s.etaSeconds() >= 0) {
      o.put("eta_seconds", s.etaSeconds());
    } else {
      o.putNull("eta_seconds");
    }
    if (error != null) {
      o.put("error", Messages.firstLine(error));
    }
    return o.toString() + "\n";
  }

  private void write(State state, Snapshot s, String error) {
    if (file.isEmpty()) {
      return;
    }
    try {
      Outputs.writeFile(file, json(runId, started, state, s, error, Instant.now()), hadoop);
    } catch (IOException | RuntimeException e) {
      if (!writeFailed) {
        writeFailed = true;
        LOG.warn("progress.status-file {} could not be written: {}", file, e.toString());
      }
    }
  }

  private static Duration since(Instant t) {
    return t == null ? Duration.ZERO : Duration.between(t, Instant.now());
  }

  @Override
  public void close() {
    clock.shutdownNow();
    if (current == this) {
      current = null;
    }
  }
}
