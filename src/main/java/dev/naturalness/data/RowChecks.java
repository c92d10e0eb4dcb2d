package dev.naturalness.data;

/**
 * Whether a row can be scored, decided before the student sees it: problems found while reading,
 * duplicates, missing fields, empty responses and text that is not text. Problems with the steps
 * are found while the steps are made (the step sources' own checks).
 */
public final class RowChecks {
  private RowChecks() {}

  /** The row's problem, or null when it can be scored. */
  public static RowProblem problem(CorpusRow row) {
    if (row.readProblem() != null) {
      return row.readProblem();
    }
    if (row.duplicate() != Duplicate.NONE) {
      return new RowProblem(
          RowStatus.DUPLICATE,
          row.duplicate() == Duplicate.SAME_TEXT
              ? "response_id "
                  + row.responseId()
                  + " already appears in an earlier row, which is scored"
              : "response_id "
                  + row.responseId()
                  + " is reused: an earlier row has it with a different prompt, "
                  + "response or steps, and only that row is scored");
    }
    if (blank(row.promptId())) {
      return new RowProblem(RowStatus.MISSING_FIELD, "prompt_id is null or empty");
    }
    if (blank(row.teacher())) {
      return new RowProblem(RowStatus.MISSING_FIELD, "teacher is null or empty");
    }
    if (row.prompt() == null) {
      return new RowProblem(RowStatus.MISSING_FIELD, "prompt is null");
    }
    if (row.response() == null) {
      return new RowProblem(RowStatus.MISSING_FIELD, "response is null");
    }
    if (invisible(row.response())) {
      return new RowProblem(
          RowStatus.EMPTY_RESPONSE,
          "response is empty or only white space and invisible format characters (zero-width"
              + " spaces and joiners, bidirectional marks)");
    }
    RowProblem prompt = invalidText("prompt", row.prompt());
    return prompt != null ? prompt : invalidText("response", row.response());
  }

  /**
   * Whether a text shows nothing: white space and Unicode format characters (Cf: zero-width spaces
   * and joiners, bidirectional marks, the byte order mark) only. Such a response is no reasoning to
   * learn from, though a tokenizer gives it tokens.
   */
  static boolean invisible(String s) {
    return s.codePoints()
        .allMatch(
            c ->
                Character.isWhitespace(c)
                    || Character.isSpaceChar(c)
                    || Character.getType(c) == Character.FORMAT);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /**
   * U+FFFD: the input bytes were not UTF-8, so the text is not what the teacher wrote. Control
   * characters are text like any other (an ANSI escape in a tool's output, a stray BEL, even NUL:
   * the tokenizers give each its own token with its own span) and are scored as they are.
   */
  public static RowProblem invalidText(String field, String text) {
    int at = text.indexOf('\uFFFD');
    return at < 0
        ? null
        : new RowProblem(
            RowStatus.INVALID_TEXT,
            field + " holds U+FFFD at char " + at + ": the input was not valid UTF-8");
  }
}
