package dev.naturalness.model;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One loaded student per (directory, device) per JVM, shared by every task that runs there. The
 * first caller loads; concurrent callers for the same key wait for that load; a failed load is
 * forgotten so that a later call can try again.
 */
public final class StudentCache {
  /** What identifies a loaded student. */
  public record Key(String directory, String device) {}

  private static final StudentCache JVM = new StudentCache();

  private final Map<Key, CompletableFuture<Student>> students = new ConcurrentHashMap<>();
  private final AtomicLong loads = new AtomicLong();

  public static StudentCache jvm() {
    return JVM;
  }

  public Student getOrLoad(Key key, Supplier<Student> loader) {
    CompletableFuture<Student> mine = new CompletableFuture<>();
    CompletableFuture<Student> existing = students.putIfAbsent(key, mine);
    if (existing != null) {
      try {
        return existing.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    try {
      loads.incrementAndGet();
      Student student = loader.get();
      mine.complete(student);
      return student;
    } catch (RuntimeException | Error e) {
      students.remove(key, mine);
      mine.completeExceptionally(e);
      throw e;
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
  }
}
