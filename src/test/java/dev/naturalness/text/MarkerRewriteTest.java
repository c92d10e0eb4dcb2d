package dev.naturalness.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarkerRewriteTest {
  /** Sky-T1's markers to DeepSeek-R1's, as docs/input-shapes.md gives them. */
  static final Map<String, String> SKY_T1 =
      Map.of(
          "<|begin_of_thought|>\n\n", "<think>\n",
          "\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\n", "\n</think>\n\n",
          "\n\n<|end_of_solution|>", "");

  @Test
  void skyT1sMarkersBecomeTheStudentsThinkBlock() {
    String sky =
        "<|begin_of_thought|>\n\nFirst, 2 + 2 = 4.\n\nCheck: 4.\n\n<|end_of_thought|>\n\n"
            + "<|begin_of_solution|>\n\nThe answer is 4.\n\n<|end_of_solution|>";
    assertEquals(
        "<think>\nFirst, 2 + 2 = 4.\n\nCheck: 4.\n</think>\n\nThe answer is 4.",
        MarkerRewrite.of(SKY_T1).apply(sky));
  }

  @Test
  void theLongestMarkerWinsWhateverTheOrderTheyWereWrittenIn() {
    Map<String, String> shortFirst = new LinkedHashMap<>();
    shortFirst.put("<|", "[");
    shortFirst.put("<|end|>", "</think>");
    Map<String, String> longFirst = new LinkedHashMap<>();
    longFirst.put("<|end|>", "</think>");
    longFirst.put("<|", "[");
    String text = "a <|b <|end|> c";
    assertEquals("a [b </think> c", MarkerRewrite.of(shortFirst).apply(text));
    assertEquals("a [b </think> c", MarkerRewrite.of(longFirst).apply(text));
  }

  @Test
  void aReplacementIsNeverReadAgain() {
    // Rewritten one after the other, A -> B then B -> C would turn every A into C.
    MarkerRewrite swap = MarkerRewrite.of(Map.of("A", "B", "B", "A"));
    assertEquals("BA BA", swap.apply("AB AB"));
  }

  @Test
  void markersAreTextNotPatternsAndReplacementsAreTextNotGroups() {
    MarkerRewrite r = MarkerRewrite.of(Map.of("$1.*", "\\0 $2"));
    assertEquals("x\\0 $2y", r.apply("x$1.*y"));
    assertEquals("x$1y", r.apply("x$1y"));
  }

  @Test
  void nothingToRewriteLeavesTheTextAsItIs() {
    String text = "no markers here \uD83D\uDE00";
    MarkerRewrite r = MarkerRewrite.of(SKY_T1);
    assertSame(text, r.apply(text));
    assertNull(r.apply(null));
    assertTrue(MarkerRewrite.of(Map.of()).isEmpty());
    assertSame(text, MarkerRewrite.of(Map.of()).apply(text));
  }

  @Test
  void anEmptyMarkerIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> MarkerRewrite.of(Map.of("", "x")));
  }

  @Test
  void itTravelsToExecutorsAndDescribesItselfEscaped() throws Exception {
    MarkerRewrite r = MarkerRewrite.of(Map.of("<|begin_of_thought|>\n", "<think>\t\""));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(r);
    }
    MarkerRewrite copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (MarkerRewrite) in.readObject();
    }
    assertEquals("<think>\t\"x", copy.apply("<|begin_of_thought|>\nx"));
    assertEquals("\"<|begin_of_thought|>\\n\" -> \"<think>\\t\\\"\"", r.describe());
  }
}
