package dev.naturalness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import dev.naturalness.DemoStudent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StudentCacheTest {

  @Test
  void concurrentCallersForOneKeyLoadTheStudentOnce() throws Exception {
    StudentCache cache = new StudentCache();
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Student>> results = new ArrayList<>();
      StudentCache.Key key = new StudentCache.Key(DemoStudent.DIR.toString(), "cpu");
      for (int i = 0; i < 8; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return cache.getOrLoad(
                      key,
                      () -> {
                        loads.incrementAndGet();
                        return Student.load(DemoStudent.DIR, Device.cpu());
                      });
                }));
      }
      start.countDown();
      Student first = results.get(0).get();
      for (Future<Student> f : results) {
        assertSame(first, f.get());
      }
      assertEquals(1, loads.get());
      assertEquals(1, cache.loads());
    } finally {
      pool.shutdownNow();
      cache.clear();
    }
  }

  @Test
  void aFailedLoadIsForgottenSoTheNextCallTriesAgain() {
    StudentCache cache = new StudentCache();
    StudentCache.Key key = new StudentCache.Key("/nowhere", "cpu");
    assertThrows(
        StudentException.class,
        () ->
            cache.getOrLoad(
                key,
                () -> {
                  throw new StudentException("no");
                }));
    assertThrows(
        StudentException.class,
        () ->
            cache.getOrLoad(
                key,
                () -> {
                  throw new StudentException("still no");
                }));
    assertEquals(2, cache.loads());
  }
}
