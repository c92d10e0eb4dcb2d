package dev.naturalness.text;

import java.io.Serializable;

/**
 * Renders a prompt through the student's template, e.g. {@code "Problem: {prompt}\nSolution:\n"}.
 */
public final class PromptTemplate implements Serializable {
  public static final String PLACEHOLDER = "{prompt}";
  private static final long serialVersionUID = 1L;

  private final String template;

  public PromptTemplate(String template) {
    if (template == null || !template.contains(PLACEHOLDER)) {
      throw new IllegalArgumentException(
          "prompt template "
              + (template == null ? "null" : "'" + template + "'")
              + " has no "
              + PLACEHOLDER);
    }
    this.template = template;
  }

  public String render(String prompt) {
    return template.replace(PLACEHOLDER, prompt);
  }

  public String template() {
    return template;
  }
}
