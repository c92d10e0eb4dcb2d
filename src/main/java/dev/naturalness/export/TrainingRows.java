package dev.naturalness.export;

import dev.naturalness.data.Turn;
import java.util.ArrayList;
import java.util.List;

/**
 * What a selected response becomes in the training formats trainers load, from its prompt (a chat
 * row's turns, else its prompt text as one user turn) and its response, which is always the
 * assistant's last turn, byte for byte. Plain Java; the Spark stage writes the rows.
 */
public final class TrainingRows {
  /** ShareGPT's roles: human and gpt. */
  public static final String HUMAN = "human";

  public static final String GPT = "gpt";

  /** An Alpaca row: the last user turn, the system prompt, and earlier (user, assistant) pairs. */
  public record Alpaca(String instruction, String system, List<List<String>> history) {}

  private TrainingRows() {}

  /** The prompt as turns: a chat row's own, else its text as the one user turn. */
  public static List<Turn> prompt(String text, List<Turn> turns) {
    return turns != null ? turns : List.of(new Turn(Turn.USER, text == null ? "" : text));
  }

  /** The whole conversation: the prompt's turns, then the response as the assistant's turn. */
  public static List<Turn> messages(List<Turn> prompt, String response) {
    List<Turn> out = new ArrayList<>(prompt);
    out.add(new Turn(Turn.ASSISTANT, response));
    return out;
  }

  /** The system prompt (the first turn's, when it is a system turn), or "". */
  public static String system(List<Turn> prompt) {
    return !prompt.isEmpty() && prompt.get(0).role().equals(Turn.SYSTEM)
        ? prompt.get(0).content()
        : "";
  }

  /** ShareGPT's conversation: every turn but the system one, user as human and assistant as gpt. */
  public static List<Turn> sharegpt(List<Turn> prompt, String response) {
    List<Turn> out = new ArrayList<>();
    for (Turn t : messages(prompt, response)) {
      if (!t.role().equals(Turn.SYSTEM)) {
        out.add(new Turn(t.role().equals(Turn.USER) ? HUMAN : GPT, t.content()));
      }
    }
    return out;
  }

  /**
   * Alpaca's fields: the instruction is the last user turn; each earlier user turn and the
   * assistant turn after it are a pair of the history (LLaMA-Factory's alpaca format).
   */
  public static Alpaca alpaca(List<Turn> prompt) {
    List<Turn> turns = new ArrayList<>();
    for (Turn t : prompt) {
      if (!t.role().equals(Turn.SYSTEM)) {
        turns.add(t);
      }
    }
    int last = turns.size() - 1;
    while (last >= 0 && !turns.get(last).role().equals(Turn.USER)) {
      last--;
    }
    String instruction = last >= 0 ? turns.get(last).content() : "";
    List<List<String>> history = new ArrayList<>();
    String user = null;
    for (int i = 0; i < Math.max(last, 0); i++) {
      Turn t = turns.get(i);
      if (t.role().equals(Turn.USER)) {
        user = t.content();
      } else if (user != null) {
        history.add(List.of(user, t.content()));
        user = null;
      }
    }
    return new Alpaca(instruction, system(prompt), history);
  }
}
