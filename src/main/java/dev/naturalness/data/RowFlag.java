package dev.naturalness.data;

import java.util.Locale;

/**
 * A check of a response before selection, and the flag a row that fails it carries in scores/
 * ({@code flags}). {@code select.require} names the checks (by {@link #check()}) a selected
 * response must pass; every check is counted in summary.json's funnel whatever is required.
 */
public enum RowFlag {
  /** The row's correct label is false. */
  INCORRECT("correct"),
  /** An earlier row (by response_id) has the same response text. */
  DUPLICATE_RESPONSE("unique-response"),
  /** The same prompt text has another, smaller prompt_id. */
  DUPLICATE_PROMPT("unique-prompt"),
  /**
   * Opening and closing think markers do not pair up ({@code <think>}, Sky-T1's thought markers).
   */
  UNBALANCED_THINK("balanced-think"),
  /**
   * The response stops before its end: a think block never closed, finish reason length, or marked
   * incomplete.
   */
  CUT_OFF("complete"),
  /** Nothing but white space after the reasoning's closing marker. */
  EMPTY_ANSWER("has-answer");

  private final String check;

  RowFlag(String check) {
    this.check = check;
  }

  /** The flag as written in scores/: incorrect, duplicate_response, ... */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The check's name in select.require: correct, unique-response, ... */
  public String check() {
    return check;
  }

  public static RowFlag ofCheck(String name) {
    for (RowFlag f : values()) {
      if (f.check.equals(name.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(name);
  }

  public static RowFlag ofCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
