package dev.naturalness.model;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One loaded student per (directory, device) per JVM, shared by every task that runs there. The
 * first caller loads; concurrent callers for the same key wait for that load; a failed load is
 * forgotten so that a later call can try again.
 *
 * <p>A run with several students scores them one after another. When a task asks for a student that
 * is not loaded, students on the same device that no task holds are closed first, so one student at
 * a time is resident on a GPU (and its memory is free for the next one).
 */
public final class StudentCache {
  /** What identifies a loaded student. */
  public record Key(String directory, String device) {}

  /**
   * A student held by a task; closing it lets the cache close the student when another is wanted.
   */
  public interface Lease extends AutoCloseable {
    Student student();

    /** Whether this call loaded the student (else another task of this JVM had). */
    boolean loadedNow();

    @Override
    void close();
  }

  private static final StudentCache JVM = new StudentCache();

  private final Map<Key, CompletableFuture<Student>> students = new ConcurrentHashMap<>();
  private final Map<Key, Integer> holders = new ConcurrentHashMap<>();
  private final AtomicLong loads = new AtomicLong();

  public static StudentCache jvm() {
    return JVM;
  }

  /** The student for the key, loaded once; not held (tests and one-off callers). */
  public Student getOrLoad(Key key, Supplier<Student> loader) {
    try (Lease lease = acquire(key, loader)) {
      return lease.student();
    }
  }

  /** The student for the key, held until the lease is closed. */
  public Lease acquire(Key key, Supplier<Student> loader) {
    synchronized (this) {
      holders.merge(key, 1, Integer::sum);
      if (!students.containsKey(key)) {
        closeIdle(key);
      }
    }
    CompletableFuture<Student> mine = new CompletableFuture<>();
    CompletableFuture<Student> existing = students.putIfAbsent(key, mine);
    boolean loadedNow = existing == null;
    Student student;
    try {
      if (existing != null) {
        student = join(existing);
      } else {
        loads.incrementAndGet();
        try {
          student = loader.get();
          mine.complete(student);
        } catch (RuntimeException | Error e) {
          students.remove(key, mine);
          mine.completeExceptionally(e);
          throw e;
        }
      }
    } catch (RuntimeException | Error e) {
      release(key);
      throw e;
    }
    return new Lease() {
      private boolean closed;

      @Override
      public Student student() {
        return student;
      }

      @Override
      public boolean loadedNow() {
        return loadedNow;
      }

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          release(key);
        }
      }
    };
  }

  private static Student join(CompletableFuture<Student> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private synchronized void release(Key key) {
    holders.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
  }

  /** Closes loaded students on the same device as {@code wanted} that no task holds. */
  private void closeIdle(Key wanted) {
    for (Map.Entry<Key, CompletableFuture<Student>> e : students.entrySet()) {
      Key k = e.getKey();
      if (!k.equals(wanted)
          && k.device().equals(wanted.device())
          && !holders.containsKey(k)
          && e.getValue().isDone()
          && !e.getValue().isCompletedExceptionally()) {
        students.remove(k);
        e.getValue().join().close();
      }
    }
  }

  /** How many loads this cache has started since it was made. */
  public long loads() {
    return loads.get();
  }

  /** Closes and forgets every student (tests, and JVM shutdown hooks). */
  public synchronized void clear() {
    for (CompletableFuture<Student> f : students.values()) {
      if (f.isDone() && !f.isCompletedExceptionally()) {
        f.join().close();
      }
    }
    students.clear();
    holders.clear();
  }
}
