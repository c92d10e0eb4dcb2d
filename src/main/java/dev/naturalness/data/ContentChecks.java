package dev.naturalness.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The checks before selection that look at one row alone: its label, its think markers, whether it
 * was cut off, and whether an answer follows its reasoning. (Duplicates need the whole corpus and
 * are found where it is read.)
 */
public final class ContentChecks {
  /** Pairs of markers that open and close a reasoning block or an answer. */
  static final String[][] MARKERS = {
    {"<think>", "</think>"},
    {"<|begin_of_thought|>", "<|end_of_thought|>"},
    {"<|begin_of_solution|>", "<|end_of_solution|>"},
  };

  private ContentChecks() {}

  /**
   * The row's flags: {@code complete} and {@code finishReason} as the corpus gives them (null when
   * it does not).
   */
  public static List<RowFlag> flags(
      String response, Boolean correct, Boolean complete, String finishReason) {
    List<RowFlag> out = new ArrayList<>();
    if (Boolean.FALSE.equals(correct)) {
      out.add(RowFlag.INCORRECT);
    }
    if (response == null) {
      return out;
    }
    boolean unbalanced = false;
    boolean open = false;
    for (String[] pair : MARKERS) {
      int opened = count(response, pair[0]);
      int closed = count(response, pair[1]);
      // Templates such as DeepSeek-R1's open the think block in the prompt: a response that only
      // closes it once is whole.
      boolean openedByTemplate = pair == MARKERS[0] && opened == 0 && closed == 1;
      unbalanced |= opened != closed && !openedByTemplate;
      open |= response.lastIndexOf(pair[0]) > response.lastIndexOf(pair[1]);
    }
    if (unbalanced) {
      out.add(RowFlag.UNBALANCED_THINK);
    }
    boolean length =
        finishReason != null && finishReason.trim().toLowerCase(Locale.ROOT).equals("length");
    if (open || length || Boolean.FALSE.equals(complete)) {
      out.add(RowFlag.CUT_OFF);
    }
    if (!open && emptyAnswer(response)) {
      out.add(RowFlag.EMPTY_ANSWER);
    }
    return out;
  }

  /** A reasoning block closed with nothing but white space (and answer markers) after it. */
  static boolean emptyAnswer(String response) {
    int end = -1;
    String closing = null;
    for (String[] pair : new String[][] {MARKERS[0], MARKERS[1]}) {
      int at = response.lastIndexOf(pair[1]);
      if (at > end) {
        end = at;
        closing = pair[1];
      }
    }
    if (closing == null) {
      return false;
    }
    String answer = response.substring(end + closing.length());
    for (String marker : MARKERS[2]) {
      answer = answer.replace(marker, "");
    }
    return answer.isBlank();
  }

  private static int count(String text, String marker) {
    int n = 0;
    for (int at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length())) {
      n++;
    }
    return n;
  }
}
