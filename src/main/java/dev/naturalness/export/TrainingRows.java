package dev.naturalness.export;

import dev.naturalness.data.Turn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a selected response becomes in the training formats trainers load, from its prompt (a chat
 * row's turns, else its prompt text as one user turn) and its response, which is always the
 * assistant's last turn, byte for byte. Plain Java; the Spark stage writes the rows.
 *
 * <p>LLaMA-Factory reads a conversation only when, after an optional first system turn, its turns
 * alternate user and assistant, starting with the user ({@code converter.py},
 * SharegptDatasetConverter); the formats it reads hold each prompt in that form: consecutive turns
 * of one role merged into one (their texts joined by a blank line), a system turn kept only as the
 * first; a prompt that cannot be written so is left out of those formats, with its reason.
 */
public final class TrainingRows {
  /** ShareGPT's roles: human and gpt (and system, LLaMA-Factory's system tag). */
  public static final String HUMAN = "human";

  public static final String GPT = "gpt";
  public static final String SYSTEM = "system";

  /** What joins consecutive turns of one role into one turn. */
  public static final String MERGED_TURNS = "\n\n";

  /** Why a prompt cannot be written as alternating turns (the reasons summary.json counts). */
  public static final String SYSTEM_NOT_FIRST = "system_turn_not_first";

  public static final String STARTS_WITH_ASSISTANT = "starts_with_assistant";
  public static final String ENDS_WITH_ASSISTANT = "ends_with_assistant";
  public static final String NO_USER_TURN = "no_user_turn";

  /** A prompt as alternating turns (null when it cannot be), or the reason it cannot. */
  public record Alternating(List<Turn> prompt, String leftOut) {}

  /**
   * An Alpaca row: the last user turn, the system prompt (null when there is none), and earlier
   * (user, assistant) pairs.
   */
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

  /**
   * The prompt with consecutive turns of one role merged, checked to be [system] user (assistant
   * user)*: what LLaMA-Factory's converters accept before the response.
   */
  public static Alternating alternating(List<Turn> prompt) {
    List<Turn> merged = new ArrayList<>();
    for (Turn t : prompt) {
      int last = merged.size() - 1;
      if (last >= 0 && merged.get(last).role().equals(t.role())) {
        merged.set(
            last, new Turn(t.role(), merged.get(last).content() + MERGED_TURNS + t.content()));
      } else {
        merged.add(t);
      }
    }
    for (int i = 1; i < merged.size(); i++) {
      if (merged.get(i).role().equals(Turn.SYSTEM)) {
        return new Alternating(null, SYSTEM_NOT_FIRST);
      }
    }
    int first = !merged.isEmpty() && merged.get(0).role().equals(Turn.SYSTEM) ? 1 : 0;
    if (merged.size() == first) {
      return new Alternating(null, NO_USER_TURN);
    }
    if (merged.get(first).role().equals(Turn.ASSISTANT)) {
      return new Alternating(null, STARTS_WITH_ASSISTANT);
    }
    if (merged.get(merged.size() - 1).role().equals(Turn.ASSISTANT)) {
      return new Alternating(null, ENDS_WITH_ASSISTANT);
    }
    return new Alternating(List.copyOf(merged), null);
  }

  /** The system prompt (the first turn's, when it is a system turn), or null when there is none. */
  public static String system(List<Turn> prompt) {
    return !prompt.isEmpty() && prompt.get(0).role().equals(Turn.SYSTEM)
        ? prompt.get(0).content()
        : null;
  }

  /**
   * ShareGPT's conversation: every turn as {from, value}, user as human, assistant as gpt and a
   * system turn (first, where there is one) as system; the response last as gpt. A prompt with no
   * system turn has none: nothing stands in for the template's default system text.
   */
  public static List<Turn> sharegpt(List<Turn> alternatingPrompt, String response) {
    List<Turn> out = new ArrayList<>();
    for (Turn t : alternatingPrompt) {
      out.add(sharegptTurn(t));
    }
    if (response != null) {
      out.add(new Turn(GPT, response));
    }
    return out;
  }

  /** A turn in ShareGPT's roles. */
  public static Turn sharegptTurn(Turn t) {
    String from =
        switch (t.role()) {
          case Turn.USER -> HUMAN;
          case Turn.ASSISTANT -> GPT;
          default -> SYSTEM;
        };
    return new Turn(from, t.content());
  }

  /**
   * Alpaca's fields from an alternating prompt: the instruction is the last user turn; each earlier
   * user turn and the assistant turn after it are a pair of the history (LLaMA-Factory's alpaca
   * format, AlpacaDatasetConverter); the system turn is the system field.
   */
  public static Alpaca alpaca(List<Turn> alternatingPrompt) {
    String system = system(alternatingPrompt);
    List<Turn> turns = alternatingPrompt.subList(system == null ? 0 : 1, alternatingPrompt.size());
    List<List<String>> history = new ArrayList<>();
    for (int i = 0; i + 1 < turns.size(); i += 2) {
      history.add(List.of(turns.get(i).content(), turns.get(i + 1).content()));
    }
    return new Alpaca(turns.get(turns.size() - 1).content(), system, history);
  }

  /** Turns as the values of a list of turn structs ({@link Feature#turns}). */
  public static List<Map<String, Object>> values(
      List<Turn> turns, String roleField, String textField) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Turn t : turns) {
      out.add(value(t, roleField, textField));
    }
    return out;
  }

  /** A turn as the value of a turn struct. */
  public static Map<String, Object> value(Turn t, String roleField, String textField) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put(roleField, t.role());
    v.put(textField, t.content());
    return v;
  }

  /** The assistant's turn that holds a response. */
  public static List<Turn> assistant(String response) {
    return List.of(new Turn(Turn.ASSISTANT, response));
  }
}
