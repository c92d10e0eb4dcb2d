package dev.naturalness.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.DemoStudent;
import dev.naturalness.model.Student;
import dev.naturalness.scoring.Execution;
import dev.naturalness.scoring.PackedBatch;
import dev.naturalness.scoring.Packer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ThroughputBenchmarkTest {
  static long[] sequence(int length, int seed) {
    long[] s = new long[length];
    for (int i = 0; i < length; i++) {
      s[i] = (seed * 31L + i * 7L) % 256;
    }
    return s;
  }

  @Test
  void fullRowsHoldEveryPlannedTokenWithNoPadding() {
    List<long[]> sequences =
        List.of(
            sequence(5, 1), sequence(700, 2), sequence(3, 3), sequence(300, 4), sequence(1100, 5));
    List<PackedBatch> batches = ThroughputBenchmark.fullRows(sequences, 512, 2);
    List<Long> ids = new ArrayList<>();
    long cells = 0;
    for (PackedBatch b : batches) {
      cells += (long) b.rows() * b.length();
      for (int i = 0; i < b.rows() * b.length(); i++) {
        // A position either starts a block or continues the previous position's block one step on.
        if (i % b.length() > 0 && b.blocks()[i] == b.blocks()[i - 1]) {
          assertEquals(b.positions()[i - 1] + 1, b.positions()[i]);
        } else {
          assertEquals(0, b.positions()[i]);
        }
      }
      for (int i = 0; i < b.ids().length; i++) {
        ids.add(b.ids()[i]);
      }
    }
    long total = 5 + 700 + 3 + 300 + 1100;
    assertEquals(3, batches.size(), "two full batches of 2 x 512, then 60 tokens");
    assertEquals(60, batches.get(2).rows() * batches.get(2).length());
    assertEquals(total, cells, "no padding at all");
    int at = 0;
    for (long[] s : sequences) {
      for (long id : s) {
        assertEquals(id, (long) ids.get(at++));
      }
    }
  }

  @Test
  void rightPaddedRowsScoreAsPackedRowsDo() {
    Student student = DemoStudent.get();
    List<long[]> sequences = List.of(sequence(40, 1), sequence(9, 2), sequence(25, 3));
    PackedBatch padded = ThroughputBenchmark.rightPadded(sequences);
    assertEquals(3, padded.rows());
    assertEquals(40, padded.length());
    float[] naive = student.model().nextTokenLogProbs(padded);
    PackedBatch packed = new Packer(Execution.defaults()).pack(sequences).get(0);
    float[] ours = student.model().nextTokenLogProbs(packed);
    for (PackedBatch.Placement p : packed.placements()) {
      float[] a = new float[p.size() - 1];
      float[] b = new float[p.size() - 1];
      System.arraycopy(ours, p.row() * packed.length() + p.offset(), a, 0, a.length);
      System.arraycopy(naive, p.sequence() * padded.length(), b, 0, b.length);
      assertArrayEquals(a, b, 1e-5f, "sequence " + p.sequence());
    }
  }

  @Test
  void benchmarkRunPrintsEveryLegAndNaiveScoresEqualOurs() {
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      ThroughputBenchmark.main(
          new String[] {
            "--rows",
            "6",
            "--runs",
            "1",
            "--legs",
            "a,b,c,e,g,l,s,h",
            "--window",
            "fraction=0.25,steps=4",
            "--sample-steps",
            "2"
          });
    } catch (IOException e) {
      throw new AssertionError(e);
    } finally {
      System.setOut(stdout);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    for (String label :
        new String[] {
          "(a) bare forward",
          "(b) scorer",
          "(b) LALP and GALP, response tokens/s",
          "(g) GALP alone (response tokens/s)",
          "(l) exact LALP alone (response tokens/s)",
          "(b) share of time in the forward pass",
          "(b) / (a)",
          "(e) exact limit",
          "(b) against (e)",
          "(b) cross-block share of attention work",
          "(c) naive, batches of 8, corpus order",
          "(c) naive, batches of 8, sorted by length",
          "(s) sampled m=2, plain",
          "(s) sampled m=2, difference",
          "median per-response pooled SE, difference / plain",
          "(h) host side, stand-in device",
          "share: copy-in",
          "bare forward on (b)'s batches / (a)"
        }) {
      assertEquals(
          2, out.split(Pattern.quote(label), -1).length - 1, label + " once per window:\n" + out);
    }
    // Each sampled leg (plain and difference, in both windows) holds its estimates to exact.
    for (String label :
        new String[] {
          "share within 2 SE of exact",
          "share within 4 SE of exact",
          "mean (estimate - exact) / SE",
          "prompts whose pick is exact's (share)",
          "mean certainty of the picks"
        }) {
      assertEquals(
          4,
          out.split(Pattern.quote(label), -1).length - 1,
          label + " once per sampled leg:\n" + out);
    }
    Matcher within = Pattern.compile("share within 4 SE of exact\\s+(\\S+)").matcher(out);
    while (within.find()) {
      double v = Double.parseDouble(within.group(1));
      assertTrue(v >= 0 && v <= 1, within.group());
    }
    Matcher m = Pattern.compile("max \\|LALP naive - ours\\|\\s+(\\S+)").matcher(out);
    int windows = 0;
    while (m.find()) {
      windows++;
      assertTrue(Double.parseDouble(m.group(1)) < 1e-4, m.group());
    }
    assertEquals(4, windows, "two naive legs per window");
    Matcher share =
        Pattern.compile("\\(b\\) share of time in the model\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)")
            .matcher(out);
    assertTrue(share.find(), out);
    for (int g = 1; g <= 3; g++) {
      double value = Double.parseDouble(share.group(g));
      assertTrue(value > 0 && value <= 1, share.group());
    }
  }

  @Test
  void aloneBatchesHoldEachSequenceInARowOfItsOwnLengthWithNoPadding() {
    List<long[]> sequences =
        List.of(sequence(5, 1), sequence(7, 2), sequence(5, 3), sequence(700, 4));
    List<PackedBatch> batches = ThroughputBenchmark.alone(sequences, 12);
    long cells = 0;
    for (PackedBatch b : batches) {
      cells += (long) b.rows() * b.length();
      for (PackedBatch.Placement p : b.placements()) {
        assertEquals(b.length(), p.size(), "a row of the sequence's own length");
      }
    }
    assertEquals(5 + 7 + 5 + 700, cells, "no padding");
    assertEquals(3, batches.size(), "700 alone, 7 alone, the two 5s together");
  }

  @Test
  void crossBlockShareCountsAttentionAcrossBlocksAndPadding() {
    // One row of 4 positions: blocks of 2 and 2 -> 8 of 16 pairs cross.
    PackedBatch two =
        new PackedBatch(
            1,
            4,
            new long[4],
            new long[] {0, 1, 0, 1},
            new int[] {0, 0, 1, 1},
            new PackedBatch.Placement[0]);
    assertEquals(0.5, ThroughputBenchmark.crossBlockShare(List.of(two)), 1e-12);
    PackedBatch one =
        new PackedBatch(
            1,
            4,
            new long[4],
            new long[] {0, 1, 2, 3},
            new int[] {0, 0, 0, 0},
            new PackedBatch.Placement[0]);
    assertEquals(0.0, ThroughputBenchmark.crossBlockShare(List.of(one)), 1e-12);
  }
}
