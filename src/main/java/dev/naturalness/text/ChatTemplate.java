package dev.naturalness.text;

import dev.naturalness.data.Turn;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A student's chat template as pieces (student.conf's chat-template): per role a text with
 * {content} in it, the generation prompt, and the system text the template adds to a conversation
 * that has none. A conversation renders as that default system text (unless its first turn is a
 * system turn), each turn's piece, and the generation prompt. The export script cuts these pieces
 * from a Hugging Face chat template and checks that they reproduce it.
 */
public record ChatTemplate(
    String defaultSystem, String system, String user, String assistant, String generation)
    implements Serializable {
  public static final String CONTENT = "{content}";

  public ChatTemplate {
    Map<String, String> pieces = Map.of("system", system, "user", user, "assistant", assistant);
    for (String role : List.of("system", "user", "assistant")) {
      if (!pieces.get(role).contains(CONTENT)) {
        throw new IllegalArgumentException("its " + role + " piece has no " + CONTENT);
      }
    }
  }

  /**
   * The default system text as a system turn's content (what a trainer's template must be given as
   * its default system to render a conversation without one as this template does), or empty when
   * the template adds none or adds it otherwise than as a system turn.
   */
  public Optional<String> defaultSystemContent() {
    int at = system.indexOf(CONTENT);
    String before = system.substring(0, at);
    String after = system.substring(at + CONTENT.length());
    if (defaultSystem.isEmpty()
        || !defaultSystem.startsWith(before)
        || !defaultSystem.endsWith(after)
        || defaultSystem.length() < before.length() + after.length()) {
      return Optional.empty();
    }
    return Optional.of(
        defaultSystem.substring(before.length(), defaultSystem.length() - after.length()));
  }

  /** The prompt turns rendered, the generation prompt last. */
  public String render(List<Turn> turns) {
    StringBuilder out = new StringBuilder();
    if (turns.isEmpty() || !turns.get(0).role().equals(Turn.SYSTEM)) {
      out.append(defaultSystem);
    }
    for (Turn t : turns) {
      String piece =
          switch (t.role()) {
            case Turn.SYSTEM -> system;
            case Turn.USER -> user;
            case Turn.ASSISTANT -> assistant;
            default -> throw new IllegalArgumentException("unknown role " + t.role());
          };
      out.append(piece.replace(CONTENT, t.content()));
    }
    return out.append(generation).toString();
  }
}
