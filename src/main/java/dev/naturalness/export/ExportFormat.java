package dev.naturalness.export;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The training-data formats the selection is exported in (output.export), and what each consumer
 * needs of them. A format LLaMA-Factory reads has an entry in {@code export/dataset_info.json} and
 * holds only conversations whose turns alternate user and assistant after an optional first system
 * turn ({@link TrainingRows#alternating}); TRL's own formats hold the scored turns as they are.
 */
public enum ExportFormat {
  /** TRL's conversational language-modeling form; LLaMA-Factory through its sharegpt tags. */
  MESSAGES("messages", true, false),
  /** TRL's conversational prompt-completion form. */
  PROMPT_COMPLETION("prompt-completion", false, false),
  /** ShareGPT (human/gpt, a system turn first where there is one): LLaMA-Factory, axolotl. */
  SHAREGPT("sharegpt", true, false),
  /** Alpaca with system and history, as LLaMA-Factory reads it. */
  ALPACA("alpaca", true, false),
  /** Preference pairs in TRL's conversational explicit-prompt form (DPOTrainer). */
  PAIRS("pairs", false, true),
  /** Preference pairs in LLaMA-Factory's ranking form (sharegpt, chosen and rejected turns). */
  PAIRS_SHAREGPT("pairs-sharegpt", true, true);

  private final String key;
  private final boolean llamaFactory;
  private final boolean pairs;

  ExportFormat(String key, boolean llamaFactory, boolean pairs) {
    this.key = key;
    this.llamaFactory = llamaFactory;
    this.pairs = pairs;
  }

  /** Its name in output.export and under export/. */
  public String key() {
    return key;
  }

  /**
   * Whether LLaMA-Factory reads it (an entry in dataset_info.json), and so it holds alternating
   * conversations only.
   */
  public boolean llamaFactory() {
    return llamaFactory;
  }

  /** Whether a row is a pair of responses (chosen, rejected) rather than one selected response. */
  public boolean pairs() {
    return pairs;
  }

  public static List<String> keys() {
    return Arrays.stream(values()).map(ExportFormat::key).toList();
  }

  public static ExportFormat of(String key) {
    String k = key.trim().toLowerCase(Locale.ROOT);
    for (ExportFormat f : values()) {
      if (f.key.equals(k)) {
        return f;
      }
    }
    throw new IllegalArgumentException(key);
  }
}
