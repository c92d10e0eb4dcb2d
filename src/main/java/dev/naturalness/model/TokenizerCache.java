package dev.naturalness.model;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One tokenizer per tokenizer.json per JVM, for the work that needs a student's tokenizer but not
 * its model (planning a corpus's cost). Kept for the JVM's life: tokenizers are small.
 */
public final class TokenizerCache {
  private static final Map<Path, StudentTokenizer> TOKENIZERS = new ConcurrentHashMap<>();

  private TokenizerCache() {}

  public static StudentTokenizer get(Path tokenizerJson) {
    return TOKENIZERS.computeIfAbsent(
        tokenizerJson.toAbsolutePath().normalize(), StudentTokenizer::load);
  }
}
