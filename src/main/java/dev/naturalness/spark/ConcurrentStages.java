package dev.naturalness.spark;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs stages that only read cached data side by side, each from its own driver thread, and times
 * each on its own (so their seconds overlap). Each such stage is a few small Spark jobs whose time
 * is mostly the driver's planning and scheduling and a few short tasks; one after another they
 * leave the cores idle in between, and on a cluster a stage of four tasks leaves most executors idle.
 */
public final class ConcurrentStages implements AutoCloseable {
  private final ExecutorService pool;
  private final Map<String, Double> seconds = new ConcurrentHashMap<>();

  public ConcurrentStages(int threads) {
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "naturalness-stage-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts a stage now; {@link #await} gives its result. */
  public <T> Future<T> start(String stage, Callable<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      long started = System.nanoTime();
      try {
        return work.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(stage + ": " + e.getMessage(), e);
      } finally {
        seconds.put(stage, (System.nanoTime() - started) / 1e9);
      }
    }, pool);
  }

  /** The stage's result, or what it threw, as thrown. */
  public static <T> T await(Future<T> stage) {
    try {
      return stage.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a stage", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** Seconds a finished stage took, from its start to its end. */
  public double seconds(String stage) {
    Double s = seconds.get(stage);
    if (s == null) {
      throw new IllegalStateException("stage " + stage + " has not finished");
    }
    return s;
  }

  /** Stops waiting for stages still running (their Spark jobs end with the session). */
  @Override
  public void close() {
    pool.shutdownNow();
  }
}
