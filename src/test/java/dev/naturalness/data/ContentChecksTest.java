package dev.naturalness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks of one row before selection, on responses as reasoning corpora publish them. */
class ContentChecksTest {
  static List<RowFlag> flags(String response) {
    return ContentChecks.flags(response, null, null, null);
  }

  @Test
  void aWholeReasoningWithAnAnswerPassesEveryCheck() {
    assertEquals(List.of(), flags("<think>\nSo 2+2=4.\n</think>\n\nThe answer is 4."));
    assertEquals(
        List.of(),
        flags(
            "<|begin_of_thought|>\n\nx\n\n<|end_of_thought|>\n\n"
                + "<|begin_of_solution|>\n\n4\n\n<|end_of_solution|>"));
    assertEquals(List.of(), flags("No reasoning markers at all: 4."), "nothing to hold it to");
  }

  @Test
  void aThinkBlockOpenedByTheChatTemplateIsWhole() {
    assertEquals(List.of(), flags("So 2+2=4.\n</think>\n\nThe answer is 4."));
    assertEquals(
        List.of(RowFlag.UNBALANCED_THINK),
        flags("a</think>b</think>\n\nThe answer is 4."),
        "closed twice");
  }

  @Test
  void aReasoningNeverClosedIsCutOff() {
    assertEquals(
        List.of(RowFlag.UNBALANCED_THINK, RowFlag.CUT_OFF),
        flags("<think>\nLet me think about this for a very long"));
  }

  @Test
  void nothingAfterTheReasoningIsAnEmptyAnswer() {
    assertEquals(List.of(RowFlag.EMPTY_ANSWER), flags("<think>\nx\n</think>\n\n  \n"));
    assertEquals(
        List.of(RowFlag.EMPTY_ANSWER),
        flags("<|begin_of_thought|>x<|end_of_thought|><|begin_of_solution|> <|end_of_solution|>"));
  }

  @Test
  void theCorpusSaysWhatTheTextCannot() {
    String whole = "<think>x</think>4";
    assertEquals(List.of(RowFlag.INCORRECT), ContentChecks.flags(whole, false, null, null));
    assertEquals(List.of(), ContentChecks.flags(whole, true, true, "stop"));
    assertEquals(List.of(RowFlag.CUT_OFF), ContentChecks.flags(whole, null, false, null));
    assertEquals(List.of(RowFlag.CUT_OFF), ContentChecks.flags(whole, null, null, " Length"));
    assertEquals(List.of(RowFlag.INCORRECT), ContentChecks.flags(null, false, null, null));
  }
}
