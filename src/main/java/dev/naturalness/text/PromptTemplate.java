package dev.naturalness.text;

import dev.naturalness.data.Turn;
import java.io.Serializable;
import java.util.List;

/**
 * Renders a prompt through the student's template, e.g. {@code "Problem: {prompt}\nSolution:\n"};
 * and a conversation's prompt turns through its chat template, or, for a student without one, their
 * text ({@link Conversation#text}) through the template.
 */
public final class PromptTemplate implements Serializable {
  public static final String PLACEHOLDER = "{prompt}";
  private static final long serialVersionUID = 1L;

  private final String template;
  private final ChatTemplate chat;

  public PromptTemplate(String template) {
    this(template, null);
  }

  /** {@code chat}: the student's chat template, or null. */
  public PromptTemplate(String template, ChatTemplate chat) {
    if (template == null || !template.contains(PLACEHOLDER)) {
      throw new IllegalArgumentException(
          "prompt template "
              + (template == null ? "null" : "'" + template + "'")
              + " has no "
              + PLACEHOLDER);
    }
    this.template = template;
    this.chat = chat;
  }

  public String render(String prompt) {
    return template.replace(PLACEHOLDER, prompt);
  }

  /** A conversation's prompt turns, rendered as the student would see them. */
  public String render(List<Turn> turns) {
    return chat != null ? chat.render(turns) : render(Conversation.text(turns));
  }

  public String template() {
    return template;
  }
}
