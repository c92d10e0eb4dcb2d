package dev.naturalness.text;

import dev.naturalness.data.RowStatus;
import dev.naturalness.data.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A chat row cut into what is scored: the response is the last assistant turn, the prompt every
 * turn before it (turns after it are not part of either); or, where the corpus gives the response
 * in a column of its own, every turn is the prompt. Roles are mapped to system, user and assistant
 * (human is user, gpt is assistant); a row with an unknown role, or with no assistant turn, is not
 * scored and says why.
 */
public final class Conversation {
  private static final Map<String, String> ROLES =
      Map.of(
          "system", Turn.SYSTEM,
          "user", Turn.USER,
          "human", Turn.USER,
          "assistant", Turn.ASSISTANT,
          "gpt", Turn.ASSISTANT);

  /** A row's prompt turns and response, or why it has none. */
  public record Split(List<Turn> prompt, String response, RowStatus problem, String reason) {
    public boolean ok() {
      return problem == null;
    }
  }

  private Conversation() {}

  /**
   * Splits a row's turns; {@code system}, when not null or blank, is a system turn put first (a
   * ShareGPT row's separate column).
   */
  public static Split split(List<Turn> turns, String system) {
    Split mapped = mapRoles(turns, system);
    if (!mapped.ok()) {
      return mapped;
    }
    List<Turn> all = mapped.prompt();
    int last = -1;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).role().equals(Turn.ASSISTANT)) {
        last = i;
      }
    }
    if (last < 0) {
      return new Split(
          null,
          null,
          RowStatus.NO_RESPONSE_TURN,
          "the conversation has no assistant turn to score");
    }
    List<Turn> prompt = List.copyOf(all.subList(0, last));
    Split missing = missingContent(prompt);
    return missing != null ? missing : new Split(prompt, all.get(last).content(), null, null);
  }

  /**
   * A row whose response is a column of its own (Llama-Nemotron's {@code input} and {@code
   * output}): every turn is the prompt.
   */
  public static Split withResponse(List<Turn> turns, String system, String response) {
    Split mapped = mapRoles(turns, system);
    if (!mapped.ok()) {
      return mapped;
    }
    Split missing = missingContent(mapped.prompt());
    return missing != null ? missing : new Split(mapped.prompt(), response, null, null);
  }

  /**
   * A prompt turn without content: the prompt is not known (an empty text would make every such
   * chat one prompt), so the row is missing a field.
   */
  private static Split missingContent(List<Turn> prompt) {
    for (int i = 0; i < prompt.size(); i++) {
      if (prompt.get(i).content() == null) {
        return new Split(
            null,
            null,
            RowStatus.MISSING_FIELD,
            "prompt turn " + i + " (" + prompt.get(i).role() + ") has no content");
      }
    }
    return null;
  }

  /** The turns with their roles mapped, the system text first; or why they cannot be. */
  private static Split mapRoles(List<Turn> turns, String system) {
    List<Turn> mapped = new ArrayList<>();
    if (system != null && !system.isBlank()) {
      mapped.add(new Turn(Turn.SYSTEM, system));
    }
    if (turns == null || turns.isEmpty()) {
      return new Split(null, null, RowStatus.NO_RESPONSE_TURN, "the conversation has no turns");
    }
    for (int i = 0; i < turns.size(); i++) {
      Turn t = turns.get(i);
      String role =
          t == null || t.role() == null
              ? null
              : ROLES.get(t.role().trim().toLowerCase(Locale.ROOT));
      if (role == null) {
        return new Split(
            null,
            null,
            RowStatus.UNKNOWN_ROLE,
            "turn "
                + i
                + " has role "
                + (t == null ? "null" : "'" + t.role() + "'")
                + "; known roles: system, user or human, assistant or gpt");
      }
      mapped.add(new Turn(role, t.content()));
    }
    return new Split(mapped, null, null, null);
  }

  /**
   * The prompt turns as one text, the way the job renders them when the student has no chat
   * template, and what a chat row's prompt reads as (and is hashed as, for its prompt_id): every
   * turn but a final user turn as {@code Role: text} and a blank line, then the final user turn's
   * text as it is. A single user turn is its text alone, as a flat row's prompt would be.
   */
  public static String text(List<Turn> prompt) {
    StringBuilder out = new StringBuilder();
    int n = prompt.size();
    boolean endsWithUser = n > 0 && prompt.get(n - 1).role().equals(Turn.USER);
    for (int i = 0; i < n; i++) {
      Turn t = prompt.get(i);
      if (i == n - 1 && endsWithUser) {
        out.append(t.content());
      } else {
        out.append(label(t.role())).append(": ").append(t.content()).append("\n\n");
      }
    }
    return endsWithUser ? out.toString() : out.toString().stripTrailing();
  }

  private static String label(String role) {
    return Character.toUpperCase(role.charAt(0)) + role.substring(1);
  }
}
