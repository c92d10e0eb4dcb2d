package dev.naturalness.scoring;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Prepares the next item while the caller works on the current one: one background thread, one item
 * ahead, results in the input's order. A scorer uses it so that tokenizing and segmenting the next
 * group of responses overlaps the device's work on this one (a GPU otherwise waits for the host
 * between groups). What a preparation throws is thrown by {@link #next()} for that item.
 */
public final class PrepareAhead<I, O> implements Iterator<O>, AutoCloseable {
  private final Iterator<I> input;
  private final Function<I, O> prepare;
  private final ExecutorService thread;
  private Future<O> ahead;

  public PrepareAhead(Iterator<I> input, Function<I, O> prepare, String threadName) {
    this.input = input;
    this.prepare = prepare;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    this.ahead = submitNext();
  }

  private Future<O> submitNext() {
    if (!input.hasNext()) {
      thread.shutdown();
      return null;
    }
    I item = input.next();
    return thread.submit(() -> prepare.apply(item));
  }

  @Override
  public boolean hasNext() {
    return ahead != null;
  }

  @Override
  public O next() {
    if (ahead == null) {
      throw new NoSuchElementException();
    }
    O current = await(ahead);
    ahead = submitNext();
    return current;
  }

  private O await(Future<O> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      close();
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preparing the next item", e);
    }
  }

  /** Stops the background thread; an item being prepared is abandoned. */
  @Override
  public void close() {
    ahead = null;
    thread.shutdownNow();
  }
}
