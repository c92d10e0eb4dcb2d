package dev.naturalness.spark;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * A run stopped by a signal (a scheduler's SIGTERM, Ctrl-C) says so in one line: the stage it was
 * in, and that nothing was published. On a signal the JVM runs its shutdown hooks, and Spark's
 * stops the SparkContext, failing every running stage with a trace per task; this hook runs before
 * Spark's, prints the line and silences the log, and the job prints nothing more.
 */
public final class SignalStop implements AutoCloseable {
  /** Before Spark's own hook (Hadoop's file systems' priority + 30), which stops Spark. */
  private static final int PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 100;

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Runnable hook = this::onShutdown;

  private SignalStop() {}

  /** Watches for a stop until {@link #close}. */
  public static SignalStop watch() {
    SignalStop s = new SignalStop();
    ShutdownHookManager.get().addShutdownHook(s.hook, PRIORITY);
    return s;
  }

  /** The line a run stopped in {@code stage} (null: before its first stage) prints. */
  static String line(String stage) {
    if ("publish".equals(stage)) {
      return "naturalness: stopped by a signal while publishing; the run is complete only if"
          + " summary.json is in its output";
    }
    return "naturalness: stopped by a signal "
        + (stage == null ? "before its first stage" : "during stage " + stage)
        + "; nothing was published";
  }

  private void onShutdown() {
    if (!running.get()) {
      return;
    }
    stopped.set(true);
    String stage = Stages.current();
    Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.OFF);
    System.err.println(line(stage));
    System.err.flush();
    RunStatus.stoppedBySignal(line(stage));
  }

  /** Whether a signal stopped the run (its line is said; the job says nothing more). */
  public boolean stopped() {
    return stopped.get();
  }

  /** The run is over: an exit from now on is not a stop. */
  @Override
  public void close() {
    running.set(false);
    if (!ShutdownHookManager.get().isShutdownInProgress()) {
      ShutdownHookManager.get().removeShutdownHook(hook);
    }
  }
}
