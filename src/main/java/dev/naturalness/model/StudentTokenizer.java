package dev.naturalness.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.naturalness.text.TextTokenizer;
import dev.naturalness.text.TokenizedText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A Hugging Face tokenizer.json through DJL, with offsets turned into Java char indices. */
public final class StudentTokenizer implements TextTokenizer, AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;

  public StudentTokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  public static StudentTokenizer load(Path tokenizerJson) {
    try {
      // No truncation and no padding: the scorer applies the length rules itself, and the
      // library would otherwise cut at 512 tokens with only a warning.
      return new StudentTokenizer(
          HuggingFaceTokenizer.newInstance(
              tokenizerJson,
              Map.of(
                  "addSpecialTokens", "false",
                  "truncation", "false",
                  "padding", "false",
                  "modelMaxLength", String.valueOf(Integer.MAX_VALUE))));
    } catch (IOException | RuntimeException e) {
      throw new StudentException(
          "cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
    }
  }

  @Override
  public TokenizedText encode(String text, boolean specialTokens) {
    Encoding encoding = tokenizer.encode(text, specialTokens, false);
    long[] ids = encoding.getIds();
    CharSpan[] spans = encoding.getCharTokenSpans();
    int[] codePointToChar = codePointToChar(text);
    int[] starts = new int[ids.length];
    for (int t = 0; t < ids.length; t++) {
      CharSpan span = spans[t];
      // Offsets count Unicode code points; a special token has no span.
      starts[t] =
          span == null
              ? -1
              : codePointToChar[Math.min(span.getStart(), codePointToChar.length - 1)];
    }
    return new TokenizedText(ids, starts);
  }

  private static int[] codePointToChar(String text) {
    int[] map = new int[text.codePointCount(0, text.length()) + 1];
    int cp = 0;
    for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
      map[cp++] = i;
    }
    map[cp] = text.length();
    return map;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
