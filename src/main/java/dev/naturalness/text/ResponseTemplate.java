package dev.naturalness.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a response given as several columns is joined (input.response-template): {name} placeholders,
 * filled by the columns in order, e.g. {@code <think>\n{reasoning}\n</think>\n\n{answer}}.
 */
public final class ResponseTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]+)\\}");

  private ResponseTemplate() {}

  /** The template's placeholder names, in order. */
  public static List<String> placeholders(String template) {
    List<String> names = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The template with its placeholders filled by {@code parts} in order (null if one is null). */
  public static String fill(String template, List<String> parts) {
    List<String> names = placeholders(template);
    String rest = template;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      if (parts.get(i) == null) {
        return null;
      }
      String placeholder = "{" + names.get(i) + "}";
      int at = rest.indexOf(placeholder);
      out.append(rest, 0, at).append(parts.get(i));
      rest = rest.substring(at + placeholder.length());
    }
    return out.append(rest).toString();
  }
}
