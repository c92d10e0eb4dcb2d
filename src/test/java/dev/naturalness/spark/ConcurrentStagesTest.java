package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.config.ConfigError;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stages run side by side, each timed on its own, and a stage's failure reaches the caller as thrown. */
class ConcurrentStagesTest {

  @Test
  void stagesRunAtTheSameTimeAndEachIsTimed() throws Exception {
    CountDownLatch bothStarted = new CountDownLatch(2);
    try (ConcurrentStages stages = new ConcurrentStages(2)) {
      // Each waits for the other to have started: one after the other, both would time out.
      Future<Boolean> a = stages.start("a", () -> {
        bothStarted.countDown();
        return bothStarted.await(10, TimeUnit.SECONDS);
      });
      Future<Boolean> b = stages.start("b", () -> {
        bothStarted.countDown();
        boolean met = bothStarted.await(10, TimeUnit.SECONDS);
        Thread.sleep(200);
        return met;
      });
      assertTrue(ConcurrentStages.await(a), "a saw b start");
      assertTrue(ConcurrentStages.await(b), "b saw a start");
      assertTrue(stages.seconds("b") >= 0.2, "b's time: " + stages.seconds("b"));
      assertTrue(stages.seconds("a") < stages.seconds("b"), "each stage has its own time");
      assertThrows(IllegalStateException.class, () -> stages.seconds("c"));
    }
  }

  @Test
  void aFailureIsRethrownAsItWasThrown() {
    ConfigError error = new ConfigError("output.path is not writable");
    try (ConcurrentStages stages = new ConcurrentStages(2)) {
      Future<Object> failing = stages.start("failing", () -> {
        throw error;
      });
      assertSame(error, assertThrows(ConfigError.class, () -> ConcurrentStages.await(failing)));
      Future<Object> io = stages.start("io", () -> {
        throw new IOException("disk full");
      });
      IllegalStateException wrapped = assertThrows(IllegalStateException.class, () -> ConcurrentStages.await(io));
      assertEquals("io: disk full", wrapped.getMessage());
      assertTrue(stages.seconds("failing") >= 0, "a failed stage is timed too");
    }
  }
}
