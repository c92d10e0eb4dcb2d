package dev.naturalness.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.naturalness.DemoStudent;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepAlignmentTest {

  @Test
  void aTokenBelongsToTheStepHoldingItsFirstChar() {
    // Tokens "ab", "c\n\nd" (crosses the boundary), "ef": the second starts in step 0.
    TokenizedText tokens = new TokenizedText(new long[] {1, 2, 3}, new int[] {0, 2, 6});
    List<Span> steps = List.of(new Span(0, 5), new Span(5, 8));
    assertArrayEquals(new int[] {0, 2, 3}, StepAlignment.stepTokenBounds(tokens, steps));
  }

  @Test
  void stepsWithNoTokensAreDropped() {
    TokenizedText tokens = new TokenizedText(new long[] {1, 2}, new int[] {0, 5});
    List<Span> steps = List.of(new Span(0, 2), new Span(2, 4), new Span(4, 6));
    assertArrayEquals(new int[] {0, 1, 2}, StepAlignment.stepTokenBounds(tokens, steps));
  }

  @Test
  void aTokenWithNoSpanStaysWithThePreviousStep() {
    TokenizedText tokens = new TokenizedText(new long[] {1, 2, 3}, new int[] {-1, 0, 3});
    List<Span> steps = List.of(new Span(0, 3), new Span(3, 4));
    assertArrayEquals(new int[] {0, 2, 3}, StepAlignment.stepTokenBounds(tokens, steps));
  }

  @Test
  void byteTokensOfMultiByteCharactersCarryJavaCharOffsets() {
    TextTokenizer tokenizer = DemoStudent.get().tokenizer();
    String text = "é🍎x"; // 2 bytes, 4 bytes (a surrogate pair in Java), 1 byte
    TokenizedText t = tokenizer.encode(text, false);
    assertEquals(7, t.size());
    assertArrayEquals(new int[] {0, 0, 1, 1, 1, 1, 3}, t.charStarts());
    List<Span> steps = List.of(new Span(0, 1), new Span(1, 3), new Span(3, 4));
    assertArrayEquals(new int[] {0, 2, 6, 7}, StepAlignment.stepTokenBounds(t, steps));
  }

  @Test
  void theDemoTokenizerAddsBosOnlyWithSpecialTokens() {
    TextTokenizer tokenizer = DemoStudent.get().tokenizer();
    assertArrayEquals(new long[] {256, 'h', 'i'}, tokenizer.encode("hi", true).ids());
    assertArrayEquals(new long[] {'h', 'i'}, tokenizer.encode("hi", false).ids());
  }

  @Test
  void longTextsAreNotTruncatedByTheTokenizer() {
    String text = "x".repeat(10_000);
    assertEquals(10_000, DemoStudent.get().tokenizer().encode(text, false).size());
  }
}
