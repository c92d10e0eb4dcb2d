package dev.naturalness.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PrepareAheadTest {
  @Test
  void resultsComeInTheInputsOrderEachPreparedOnce() {
    AtomicInteger calls = new AtomicInteger();
    List<Integer> out = new ArrayList<>();
    try (PrepareAhead<Integer, Integer> ahead =
        new PrepareAhead<>(
            IntStream.range(0, 50).boxed().iterator(),
            i -> {
              calls.incrementAndGet();
              return i * i;
            },
            "test")) {
      while (ahead.hasNext()) {
        out.add(ahead.next());
      }
      assertThrows(NoSuchElementException.class, ahead::next);
    }
    assertEquals(IntStream.range(0, 50).map(i -> i * i).boxed().toList(), out);
    assertEquals(50, calls.get());
  }

  @Test
  void theNextItemIsPreparedWhileTheCallerWorksOnThisOne() throws Exception {
    CountDownLatch secondStarted = new CountDownLatch(1);
    try (PrepareAhead<Integer, String> ahead =
        new PrepareAhead<>(
            List.of(1, 2).iterator(),
            i -> {
              if (i == 2) {
                secondStarted.countDown();
              }
              return "item " + i;
            },
            "test")) {
      assertEquals("item 1", ahead.next());
      // The caller has not asked for item 2; it is being prepared all the same.
      assertTrue(secondStarted.await(30, TimeUnit.SECONDS), "item 2 prepared ahead");
      assertEquals("item 2", ahead.next());
      assertFalse(ahead.hasNext());
    }
  }

  @Test
  void whatAPreparationThrowsIsThrownForThatItem() {
    try (PrepareAhead<Integer, Integer> ahead =
        new PrepareAhead<>(
            List.of(1, 2, 3).iterator(),
            i -> {
              if (i == 2) {
                throw new IllegalArgumentException("bad item 2");
              }
              return i;
            },
            "test")) {
      assertEquals(1, ahead.next());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ahead::next);
      assertEquals("bad item 2", e.getMessage());
      assertFalse(ahead.hasNext(), "nothing after a failure");
    }
  }

  @Test
  void anEmptyInputHasNothing() {
    try (PrepareAhead<Integer, Integer> ahead =
        new PrepareAhead<>(List.<Integer>of().iterator(), i -> i, "test")) {
      assertFalse(ahead.hasNext());
    }
  }
}
