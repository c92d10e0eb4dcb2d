package dev.naturalness.data;

/** Whether an earlier row of the corpus has this row's response_id, and with what text. */
public enum Duplicate {
  /** The first row with its id (the one that is scored). */
  NONE,
  /** An earlier row has the same id and the same prompt, response and steps. */
  SAME_TEXT,
  /** An earlier row has the same id with another prompt, response or steps: the id is reused. */
  OTHER_TEXT
}
