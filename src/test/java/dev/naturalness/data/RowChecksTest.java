package dev.naturalness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which rows reach the student, and the status of those that do not, first problem first. */
class RowChecksTest {
  static CorpusRow row(String promptId, String teacher, String prompt, String response) {
    return new CorpusRow(
        promptId,
        prompt,
        teacher,
        response,
        "r",
        null,
        StepInput.NONE,
        null,
        Duplicate.NONE,
        "s",
        null,
        List.of());
  }

  @ParameterizedTest(name = "{4}")
  @CsvSource(
      nullValues = "NULL",
      value = {
        "p, t, prompt, a response, OK",
        "NULL, t, prompt, a response, MISSING_FIELD",
        "' ', t, prompt, a response, MISSING_FIELD",
        "p, '', prompt, a response, MISSING_FIELD",
        "p, t, NULL, a response, MISSING_FIELD",
        "p, t, prompt, NULL, MISSING_FIELD",
        "p, t, prompt, ' ', EMPTY_RESPONSE",
        "p, t, prompt, '\u200B\u200C\u200D\u2060\uFEFF', EMPTY_RESPONSE",
        "p, t, prompt, '\u00A0\u202E \u200E\t', EMPTY_RESPONSE",
        "p, t, prompt, '\u200B4\u200B', OK",
        "p, t, prompt, 'bad \uFFFD byte', INVALID_TEXT",
        "p, t, 'bad \uFFFD prompt', fine, INVALID_TEXT",
        "p, t, prompt, 'tab\tand \u0007 bell are text', OK",
      })
  void eachRowGetsTheStatusOfItsFirstProblem(
      String promptId, String teacher, String prompt, String response, RowStatus expected) {
    RowProblem p = RowChecks.problem(row(promptId, teacher, prompt, response));
    if (expected == RowStatus.OK) {
      assertNull(p);
    } else {
      assertEquals(expected, p.status(), p.reason());
    }
  }

  @ParameterizedTest
  @CsvSource({"SAME_TEXT, already appears", "OTHER_TEXT, is reused"})
  void aDuplicateIdIsTheStatusOfEveryRowAfterTheFirst(Duplicate d, String words) {
    CorpusRow r =
        new CorpusRow(
            "p", "prompt", "t", "text", "r9", null, StepInput.NONE, null, d, "s", null, List.of());
    RowProblem p = RowChecks.problem(r);
    assertEquals(RowStatus.DUPLICATE, p.status());
    assertEquals(true, p.reason().contains(words), p.reason());
  }
}
