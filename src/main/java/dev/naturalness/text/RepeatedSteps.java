package dev.naturalness.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * Which steps mostly repeat text already inside their own window: at least half of a step's word
 * 4-grams occur in the steps of its window. A step that restates a predecessor is easy to predict
 * locally, so a ranking that rewards such steps may be rewarding copying. Words are runs of letters
 * and digits, compared in lower case; a step with fewer than four words is never counted.
 */
public final class RepeatedSteps {
  static final int N = 4;

  private RepeatedSteps() {}

  /**
   * Per step: whether it repeats its window; step k's window is the {@code window.applyAsInt(k +
   * 1)} steps before it (the window rule's w_i, with i counted from 1).
   */
  public static boolean[] flags(String text, Span[] steps, IntUnaryOperator window) {
    boolean[] repeated = new boolean[steps.length];
    Map<String, Integer> lastSeen = new HashMap<>();
    for (int k = 0; k < steps.length; k++) {
      Set<String> grams = grams(text.substring(steps[k].start(), steps[k].end()));
      int first = k - window.applyAsInt(k + 1);
      int inWindow = 0;
      for (String g : grams) {
        Integer seen = lastSeen.get(g);
        if (seen != null && seen >= first) {
          inWindow++;
        }
      }
      repeated[k] = !grams.isEmpty() && 2 * inWindow >= grams.size();
      for (String g : grams) {
        lastSeen.put(g, k);
      }
    }
    return repeated;
  }

  /** The distinct word 4-grams of a text. */
  static Set<String> grams(String text) {
    List<String> words = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      if (Character.isLetterOrDigit(cp)) {
        int start = i;
        while (i < text.length() && Character.isLetterOrDigit(text.codePointAt(i))) {
          i += Character.charCount(text.codePointAt(i));
        }
        words.add(text.substring(start, i).toLowerCase(Locale.ROOT));
      } else {
        i += Character.charCount(cp);
      }
    }
    Set<String> grams = new HashSet<>();
    for (int w = 0; w + N <= words.size(); w++) {
      grams.add(String.join(" ", words.subList(w, w + N)));
    }
    return grams;
  }
}
