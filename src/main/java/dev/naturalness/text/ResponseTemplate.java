package dev.naturalness.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a response given as several columns is joined (input.response-template, or a wide teacher's
 * own): {name} placeholders, e.g. {@code <think>\n{reasoning}\n</think>\n\n{answer}}. When every
 * placeholder names one of the columns, each is filled by the column of its name; otherwise the
 * columns fill the placeholders in order.
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

  /** Whether the template's placeholders are filled by column name (every one names a column). */
  public static boolean byName(String template, List<String> columns) {
    List<String> names = placeholders(template);
    return !names.isEmpty() && columns.containsAll(names);
  }

  /**
   * The columns in the order the placeholders take them: by name when every placeholder names one
   * of the columns, else the columns as given (one per placeholder, in order).
   */
  public static List<String> columnsInOrder(String template, List<String> columns) {
    return byName(template, columns) ? placeholders(template) : columns;
  }

  /**
   * The columns a template filled by name leaves without a placeholder (empty when it names them
   * all, or fills by position).
   */
  public static List<String> unnamed(String template, List<String> columns) {
    List<String> names = placeholders(template);
    return byName(template, columns)
        ? columns.stream().filter(c -> !names.contains(c)).toList()
        : List.of();
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
