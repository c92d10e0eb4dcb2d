package dev.naturalness.text;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A corpus's reasoning markers rewritten to the student's own before anything is scored
 * (input.think-markers), e.g. Sky-T1's {@code <|begin_of_thought|>} to {@code <think>}, so the
 * scored, selected and exported texts are the text a trainer's reasoning template produces. One
 * pass over the text: at each place the longest marker that matches is replaced, and a replacement
 * is never read again, so the result does not depend on the order the markers were written in.
 */
public final class MarkerRewrite implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final MarkerRewrite NONE = new MarkerRewrite(new TreeMap<>());

  private final TreeMap<String, String> replacements;
  private transient Pattern markers;

  private MarkerRewrite(TreeMap<String, String> replacements) {
    this.replacements = replacements;
  }

  /**
   * @param replacements marker to its replacement; a marker is not empty
   * @throws IllegalArgumentException for an empty marker
   */
  public static MarkerRewrite of(Map<String, String> replacements) {
    if (replacements.isEmpty()) {
      return NONE;
    }
    for (Map.Entry<String, String> e : replacements.entrySet()) {
      if (e.getKey().isEmpty() || e.getValue() == null) {
        throw new IllegalArgumentException("a marker is empty or has no replacement");
      }
    }
    return new MarkerRewrite(new TreeMap<>(replacements));
  }

  public boolean isEmpty() {
    return replacements.isEmpty();
  }

  /** The markers and their replacements, sorted by marker. */
  public Map<String, String> replacements() {
    return Collections.unmodifiableMap(replacements);
  }

  /** The text with every marker replaced; null stays null. */
  public String apply(String text) {
    if (text == null || replacements.isEmpty()) {
      return text;
    }
    Matcher m = pattern().matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int from = 0;
    do {
      out.append(text, from, m.start()).append(replacements.get(m.group()));
      from = m.end();
    } while (m.find());
    return out.append(text, from, text.length()).toString();
  }

  /** Each marker and its replacement as {@code "marker" -> "replacement"}, JSON-escaped. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    replacements.forEach((k, v) -> parts.add(quote(k) + " -> " + quote(v)));
    return String.join(", ", parts);
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                  if (c < 0x20) {
                    out.append(String.format(Locale.ROOT, "\\u%04x", c));
                  } else {
                    out.appendCodePoint(c);
                  }
                }
              }
            });
    return out.append('"').toString();
  }

  /** The markers as one alternation, longest first so that a marker's prefix never wins. */
  private Pattern pattern() {
    if (markers == null) {
      List<String> byLength = new ArrayList<>(replacements.keySet());
      byLength.sort(Comparator.comparingInt(String::length).reversed());
      List<String> quoted = new ArrayList<>();
      for (String marker : byLength) {
        quoted.add(Pattern.quote(marker));
      }
      markers = Pattern.compile(String.join("|", quoted));
    }
    return markers;
  }
}
