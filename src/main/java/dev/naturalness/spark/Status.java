package dev.naturalness.spark;

/** Row status codes in scores/ (documented in the README). */
public final class Status {
  public static final String OK = "ok";

  /** prompt_id, prompt, teacher or response is null, or prompt_id / teacher is empty. */
  public static final String MISSING_FIELD = "missing_field";

  /** The response is empty or only white space. */
  public static final String EMPTY_RESPONSE = "empty_response";

  /** An earlier row has the same response_id; that one is scored. */
  public static final String DUPLICATE = "duplicate";

  /** The given steps do not concatenate to the response (segmenter = column). */
  public static final String STEPS_MISMATCH = "steps_mismatch";

  /** segmenter = column and the row has no steps. */
  public static final String STEPS_MISSING = "steps_missing";

  /** The correct column holds a string that is not true or false. */
  public static final String BAD_CORRECT = "bad_correct";

  /** A JSON line that is not a JSON object (its first 80 chars are in the reason). */
  public static final String BAD_RECORD = "bad_record";

  /** The prompt or response holds U+FFFD (the input was not valid UTF-8) or a control character. */
  public static final String INVALID_TEXT = "invalid_text";

  /** The model failed (or gave NaN/infinite log-probs) on this response even alone. */
  public static final String MODEL_ERROR = "model_error";

  /** No token of the response could be scored under the length rules. */
  public static final String UNSCORABLE = "unscorable";

  private Status() {}
}
