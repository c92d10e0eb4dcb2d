package dev.naturalness.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.model.Student;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sequences that start with the same prompt compute it once per packed unit, and score as alone.
 */
class SharedPromptPackingTest {
  private static final int PROMPT = 30;

  /** Three sequences of response 0 sharing its prompt, one of response 1 alone, one plain. */
  private static List<long[]> sequences(Random random) {
    long[] prompt0 = random.longs(PROMPT, 1, 200).toArray();
    List<long[]> out = new ArrayList<>();
    for (int tail : new int[] {40, 25, 60}) {
      long[] s = Arrays.copyOf(prompt0, PROMPT + tail);
      for (int t = PROMPT; t < s.length; t++) {
        s[t] = random.nextInt(199) + 1;
      }
      out.add(s);
    }
    out.add(random.longs(PROMPT + 10, 1, 200).toArray());
    out.add(random.longs(17, 1, 200).toArray());
    return out;
  }

  private static final int[] GROUP = {0, 0, 0, 1, -1};
  private static final int[] PREFIX = {PROMPT, PROMPT, PROMPT, PROMPT, 0};

  @Test
  void thePromptIsComputedOnceAndEachSequenceGoesOnFromItsLastToken() {
    List<long[]> sequences = sequences(new Random(3));
    List<PackedBatch> batches =
        new Packer(Execution.defaults().withBatch(4096, 512)).pack(sequences, GROUP, PREFIX);
    assertEquals(1, batches.size());
    PackedBatch b = batches.get(0);
    long all = sequences.stream().mapToLong(s -> s.length).sum();
    assertEquals(
        all - 2 * (PROMPT - 1),
        b.usefulTokens(),
        "two of the three sharing sequences skip the prompt");
    int skipping = 0;
    for (PackedBatch.Placement p : b.placements()) {
      long[] s = sequences.get(p.sequence());
      assertEquals(s.length, p.skip() + p.size());
      int base = p.row() * b.length() + p.offset();
      for (int t = 0; t < p.size(); t++) {
        assertEquals(s[p.skip() + t], b.ids()[base + t]);
        assertEquals(p.skip() + t, b.positions()[base + t]);
      }
      if (p.skip() > 0) {
        skipping++;
        assertEquals(PROMPT - 1, p.skip());
        int shared = b.sharedBlocks()[base];
        assertTrue(shared >= 0);
        // The shared block holds the prompt but its last token, from position 0.
        int at = 0;
        while (b.blocks()[p.row() * b.length() + at] != shared) {
          at++;
        }
        for (int t = 0; t < PROMPT - 1; t++) {
          assertEquals(s[t], b.ids()[p.row() * b.length() + at + t]);
          assertEquals(t, b.positions()[p.row() * b.length() + at + t]);
        }
      } else {
        assertEquals(-1, b.sharedBlocks()[base]);
      }
    }
    assertEquals(3, skipping, "response 1's single sequence and the plain one share nothing");
  }

  @Test
  void withoutPackingNothingIsShared() {
    List<long[]> sequences = sequences(new Random(3));
    Execution onePerRow = Execution.defaults().withBatch(4096, 512).withPacking(false, true);
    long useful = 0;
    for (PackedBatch b : new Packer(onePerRow).pack(sequences, GROUP, PREFIX)) {
      useful += b.usefulTokens();
      for (PackedBatch.Placement p : b.placements()) {
        assertEquals(0, p.skip());
      }
    }
    assertEquals(sequences.stream().mapToLong(s -> s.length).sum(), useful);
  }

  @Test
  void aUnitIsAtMostARowUnlessOneSequenceIsLonger() {
    List<long[]> sequences = sequences(new Random(5));
    // Rows of 80: the prompt (29) and the 60-token tail (61) already pass it, so each tail gets a
    // unit of its own
    // or shares one with a tail that still fits.
    List<PackedBatch> batches =
        new Packer(Execution.defaults().withBatch(4096, 80)).pack(sequences, GROUP, PREFIX);
    for (PackedBatch b : batches) {
      assertTrue(b.length() <= PROMPT - 1 + 61, "row of " + b.length());
    }
  }

  @Test
  void eachSequenceScoresAsItDoesAlone() {
    Student student = GoldenCases.student();
    List<long[]> sequences = sequences(new Random(11));
    Execution options = Execution.defaults().withBatch(4096, 512);
    float[][] alone = logProbs(new Packer(options).pack(sequences), sequences, student);
    float[][] shared =
        logProbs(new Packer(options).pack(sequences, GROUP, PREFIX), sequences, student);
    for (int s = 0; s < sequences.size(); s++) {
      int from = PREFIX[s] > 0 && GROUP[s] == 0 ? PROMPT : 1;
      assertArrayEquals(
          Arrays.copyOfRange(alone[s], from, alone[s].length),
          Arrays.copyOfRange(shared[s], from, shared[s].length),
          1e-5f,
          "sequence " + s);
    }
  }

  /** Per sequence, log p(token t | tokens before it) at t (NaN where not computed). */
  private static float[][] logProbs(
      List<PackedBatch> batches, List<long[]> sequences, Student student) {
    float[][] out = new float[sequences.size()][];
    for (PackedBatch b : batches) {
      float[] lp = student.model().nextTokenLogProbs(b);
      for (PackedBatch.Placement p : b.placements()) {
        float[] seq = new float[p.skip() + p.size()];
        Arrays.fill(seq, Float.NaN);
        System.arraycopy(lp, p.row() * b.length() + p.offset(), seq, p.skip() + 1, p.size() - 1);
        out[p.sequence()] = seq;
      }
    }
    return out;
  }
}
