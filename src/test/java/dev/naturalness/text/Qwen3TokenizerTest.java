package dev.naturalness.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.naturalness.model.StudentTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Step/token alignment on a real byte-level BPE (Qwen3's tokenizer.json, fetched by
 * src/test/scripts/fetch-qwen3-tokenizer.sh; .ci/run fetches it and requires this test).
 */
class Qwen3TokenizerTest {
  static final Path FILE = Path.of("target", "qwen3", "tokenizer.json");
  static StudentTokenizer tokenizer;
  static HuggingFaceTokenizer decoder;

  @BeforeAll
  static void load() throws Exception {
    if (System.getenv("NATURALNESS_REQUIRE_QWEN3") == null) {
      Assumptions.assumeTrue(
          Files.isRegularFile(FILE), "run src/test/scripts/fetch-qwen3-tokenizer.sh first");
    }
    tokenizer = StudentTokenizer.load(FILE);
    decoder = HuggingFaceTokenizer.newInstance(FILE, Map.of("addSpecialTokens", "false"));
  }

  @AfterAll
  static void close() {
    if (tokenizer != null) {
      tokenizer.close();
      decoder.close();
    }
  }

  /** The text of each step's tokens, decoded. */
  static List<String> stepTexts(String text, Segmenter segmenter) {
    TokenizedText t = tokenizer.encode(text, false);
    int[] bounds = StepAlignment.stepTokenBounds(t, segmenter.segment(text));
    String[] out = new String[bounds.length - 1];
    for (int k = 0; k < out.length; k++) {
      out[k] = decoder.decode(Arrays.copyOfRange(t.ids(), bounds[k], bounds[k + 1]), false);
    }
    return List.of(out);
  }

  @Test
  void knownIdsComeOut() {
    assertArrayEquals(
        new long[] {9707, 11, 1879, 0}, tokenizer.encode("Hello, world!", false).ids());
  }

  @Test
  void aSeparatorMergedIntoOneTokenStaysWithTheStepItEnds() {
    assertEquals(
        List.of("First, 3 + 4 = 7.\n\n", "Then 7 * 2 = 14.\n\n", "The answer is 14."),
        stepTexts(
            "First, 3 + 4 = 7.\n\nThen 7 * 2 = 14.\n\nThe answer is 14.",
            new ParagraphSegmenter()));
  }

  @Test
  void offsetsOfMultiByteAndAstralCharactersAreJavaCharIndicesOnCharacterBoundaries() {
    String text = "小明有 3 个苹果 🍎🍏, café naïve, שלום, $\\frac{3}{4}$ ✅";
    TokenizedText t = tokenizer.encode(text, false);
    int previous = 0;
    for (int start : t.charStarts()) {
      assertTrue(start >= previous && start < text.length(), "start " + start);
      assertFalse(
          Character.isLowSurrogate(text.charAt(start)),
          "a token starts inside a surrogate pair at " + start);
      previous = start;
    }
    assertEquals(text, decoder.decode(t.ids(), false));
    // Steps cut inside a run of multi-byte text keep every token, in order.
    List<String> steps =
        stepTexts("小明有 3 个苹果。\n\n🍎🍏 are 2 more.\n\nשלום.", new ParagraphSegmenter());
    assertEquals(List.of("小明有 3 个苹果。\n\n", "🍎🍏 are 2 more.\n\n", "שלום."), steps);
  }

  @Test
  void aChatStylePromptKeepsItsSpecialTokensWhole() {
    String prompt = "<|im_start|>user\nWhat is 2 + 2?<|im_end|>\n<|im_start|>assistant\n";
    TokenizedText t = tokenizer.encode(prompt, true);
    assertEquals(151644, t.ids()[0]);
    assertEquals(2, Arrays.stream(t.ids()).filter(id -> id == 151644).count());
    assertEquals(1, Arrays.stream(t.ids()).filter(id -> id == 151645).count());
    for (int start : t.charStarts()) {
      assertTrue(start >= 0, "every token of the prompt maps to a char");
    }
  }

  @Test
  void sentenceStepsOnRealTokensTileTheResponse() {
    String text = "Pi is about 3.14. E.g. this stays whole! Next line\nand more.";
    List<String> steps = stepTexts(text, new SentenceSegmenter());
    assertEquals(text, String.join("", steps));
    // A GPT-style BPE token carries the space before a word, and a token belongs to the step
    // holding
    // its first char: after a space-ended step, the next step's first word goes with the earlier
    // one.
    // Newline-ended steps (paragraph, line) are not affected: newlines stay tokens of their own.
    assertEquals(
        List.of("Pi is about 3.14. E", ".g. this stays whole! Next", " line\n", "and more."),
        steps);
  }
}
