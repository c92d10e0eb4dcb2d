package dev.naturalness.export;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The training-data formats output.export names, each registered here with the class that is its
 * one home ({@link TrainingFormat}): adding a format is a class and a constant.
 */
public enum ExportFormat {
  MESSAGES(new MessagesFormat()),
  PROMPT_COMPLETION(new PromptCompletionFormat()),
  SHAREGPT(new SharegptFormat()),
  ALPACA(new AlpacaFormat()),
  PAIRS(new PairsFormat()),
  PAIRS_SHAREGPT(new PairsSharegptFormat());

  private final TrainingFormat format;

  ExportFormat(TrainingFormat format) {
    this.format = format;
  }

  public TrainingFormat format() {
    return format;
  }

  /** Its name in output.export and under export/. */
  public String key() {
    return format.key();
  }

  /** Whether a row is a pair of responses (chosen, rejected) rather than one selected response. */
  public boolean pairs() {
    return format instanceof PairFormat;
  }

  public static List<String> keys() {
    return Arrays.stream(values()).map(ExportFormat::key).toList();
  }

  /** The format output.export names so (case and spaces aside), if there is one. */
  public static Optional<ExportFormat> named(String key) {
    String k = key.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.key().equals(k)).findFirst();
  }
}
