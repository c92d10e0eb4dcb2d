package dev.naturalness.text;

/** The student's tokenizer, as the text layer needs it. */
public interface TextTokenizer {
  /** Tokens of {@code text}; with {@code specialTokens} the tokenizer adds its own (e.g. BOS). */
  TokenizedText encode(String text, boolean specialTokens);
}
