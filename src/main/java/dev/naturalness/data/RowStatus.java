package dev.naturalness.data;

import java.util.Locale;

/**
 * A row's status in scores/: {@code ok}, or why it has no score (documented in docs/outputs.md).
 */
public enum RowStatus {
  /** Scored. */
  OK,
  /** prompt_id, prompt, teacher or response is null, or prompt_id / teacher is empty. */
  MISSING_FIELD,
  /** The response is empty or only white space. */
  EMPTY_RESPONSE,
  /** An earlier row has the same response_id; that row is scored. */
  DUPLICATE,
  /** The step source needs given steps (or step ends) and the row has none. */
  STEPS_MISSING,
  /** The given steps do not concatenate to the response. */
  STEPS_MISMATCH,
  /** The given step ends are not strictly increasing. */
  STEP_ENDS_UNSORTED,
  /** A given step end is below 1 or beyond the response. */
  STEP_ENDS_OUT_OF_RANGE,
  /** The last given step end is not the response's length. */
  STEP_ENDS_SHORT,
  /** A JSON line that is not a JSON object (its start is in the reason). */
  BAD_RECORD,
  /**
   * The prompt or response holds U+FFFD: the input was not valid UTF-8 (or, in JSON, held an
   * unpaired UTF-16 surrogate escape such as {@code \ud800}).
   */
  INVALID_TEXT,
  /** A chat row (input.shape messages or conversations) with no assistant turn to score. */
  NO_RESPONSE_TURN,
  /** A chat row with a role other than system, user/human or assistant/gpt. */
  UNKNOWN_ROLE,
  /**
   * A chat row whose content is a list of parts with a part that is not text (an image, a tool
   * call), or content that is neither text nor parts.
   */
  UNSUPPORTED_CONTENT,
  /** A generations row whose aligned lists are not as long as its generations. */
  MISALIGNED_LISTS,
  /** A wide teacher's response column is not in the input. */
  MISSING_COLUMN,
  /** The model failed (or gave NaN/infinite log-probs) on this response even alone. */
  MODEL_ERROR,
  /** No token of the response could be scored under the length rules. */
  UNSCORABLE;

  /** The code written in scores/ (e.g. {@code missing_field}). */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RowStatus ofCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }

  /** Whether the model ran for a row with this status in the run that scored it. */
  public boolean modelRan() {
    return this == OK || this == UNSCORABLE || this == MODEL_ERROR;
  }
}
