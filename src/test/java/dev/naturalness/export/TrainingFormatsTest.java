package dev.naturalness.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.data.Turn;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each format's row from a selected response or a pair, as plain Java: values by column name. */
class TrainingFormatsTest {
  static Turn t(String role, String content) {
    return new Turn(role, content);
  }

  static SelectedResponse selected(List<Turn> prompt) {
    return new SelectedResponse(
        "r1", "p1", "teacher-a", "s", -1.5, -2.0, 0.25, 1, prompt, "The answer is 4.\n");
  }

  static ResponsePair pair(List<Turn> prompt) {
    return new ResponsePair(
        "p1",
        "s",
        prompt,
        new ResponsePair.Side("r1", "teacher-a", -1.0, -1.2, "best"),
        new ResponsePair.Side("r2", "teacher-b", -3.0, -2.5, "worst"));
  }

  static ExportRow row(ExportFormat f, List<Turn> prompt) {
    return f.format() instanceof PairFormat p
        ? p.row(pair(prompt))
        : ((ResponseFormat) f.format()).row(selected(prompt));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> turns(ExportRow r, String column) {
    return (List<Map<String, Object>>) r.values().get(column);
  }

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void everyValueIsAColumnOfTheSchemaAndColumnsAreUnique(ExportFormat f) {
    List<Feature> schema = f.format().schema();
    Set<String> names = new HashSet<>();
    schema.forEach(c -> assertTrue(names.add(c.name()), f.key() + ": " + c.name() + " twice"));
    ExportRow r = row(f, List.of(t("user", "2 + 2?")));
    assertNull(r.leftOut());
    assertTrue(names.containsAll(r.values().keySet()), f.key() + ": " + r.values().keySet());
    assertEquals(f.format().columns().size() + f.format().common().size(), schema.size(), f.key());
  }

  @Test
  void messagesEndWithTheResponseByteForByteAndMergeTurnsOfOneRole() {
    ExportRow r = row(ExportFormat.MESSAGES, List.of(t("user", "Question:"), t("user", "2 + 2?")));
    assertEquals(
        List.of(
            Map.of("role", "user", "content", "Question:" + TrainingRows.MERGED_TURNS + "2 + 2?"),
            Map.of("role", "assistant", "content", "The answer is 4.\n")),
        turns(r, "messages"));
    assertEquals("r1", r.values().get("response_id"));
    assertEquals(1, r.values().get("selection_rank"));
    assertEquals(0.25, r.values().get("margin"));
  }

  @Test
  void promptCompletionKeepsTheScoredTurnsAsTheyWere() {
    List<Turn> prompt = List.of(t("user", "Hi"), t("system", "Be brief."), t("user", "2 + 2?"));
    ExportRow r = row(ExportFormat.PROMPT_COMPLETION, prompt);
    assertNull(r.leftOut(), "TRL takes a system turn anywhere");
    assertEquals(3, turns(r, "prompt").size());
    assertEquals(
        List.of(Map.of("role", "assistant", "content", "The answer is 4.\n")),
        turns(r, "completion"));
  }

  @Test
  void sharegptNamesTheRolesHumanGptAndSystem() {
    ExportRow r =
        row(ExportFormat.SHAREGPT, List.of(t("system", "Be brief."), t("user", "2 + 2?")));
    assertEquals(
        List.of(
            Map.of("from", "system", "value", "Be brief."),
            Map.of("from", "human", "value", "2 + 2?"),
            Map.of("from", "gpt", "value", "The answer is 4.\n")),
        turns(r, "conversations"));
  }

  @Test
  void alpacaHasTheLastUserTurnAsInstructionAndEarlierExchangesAsHistory() {
    ExportRow r =
        row(
            ExportFormat.ALPACA,
            List.of(t("user", "Hi"), t("assistant", "Hello."), t("user", "2 + 2?")));
    assertEquals("2 + 2?", r.values().get("instruction"));
    assertEquals("", r.values().get("input"));
    assertEquals("The answer is 4.\n", r.values().get("output"));
    assertNull(r.values().get("system"));
    assertEquals(List.of(List.of("Hi", "Hello.")), r.values().get("history"));
  }

  @Test
  void pairsCarryBothSidesAndTheirMargin() {
    ExportRow r = row(ExportFormat.PAIRS, List.of(t("user", "2 + 2?")));
    assertEquals(List.of(Map.of("role", "assistant", "content", "best")), turns(r, "chosen"));
    assertEquals(List.of(Map.of("role", "assistant", "content", "worst")), turns(r, "rejected"));
    assertEquals(2.0, r.values().get("margin"));
    assertEquals("r2", r.values().get("rejected_response_id"));
    assertEquals("teacher-b", r.values().get("rejected_teacher"));
    ExportRow s = row(ExportFormat.PAIRS_SHAREGPT, List.of(t("user", "2 + 2?")));
    assertEquals(Map.of("from", "gpt", "value", "best"), s.values().get("chosen"));
    assertEquals(List.of(Map.of("from", "human", "value", "2 + 2?")), turns(s, "conversations"));
  }

  /**
   * A pair whose two sides are the same text, or whose margin is within the scores' precision
   * (packing noise between identical texts was 2.2e-7), is left out in both pair formats with its
   * reason; a margin just above the precision is a pair.
   */
  @ParameterizedTest
  @EnumSource(
      value = ExportFormat.class,
      names = {"PAIRS", "PAIRS_SHAREGPT"})
  void aPairOfOneTextOrOfNoiseIsLeftOutSayingWhy(ExportFormat f) {
    PairFormat format = (PairFormat) f.format();
    List<Turn> prompt = List.of(t("user", "2 + 2?"));
    ExportRow same =
        format.rowOfPair(
            new ResponsePair(
                "p1",
                "s",
                prompt,
                new ResponsePair.Side("r1", "teacher-a", -1.0, -1.2, "4"),
                new ResponsePair.Side("r2", "teacher-b", -3.0, -2.5, "4")));
    assertEquals("chosen and rejected are the same text", same.leftOut());
    ExportRow noise =
        format.rowOfPair(
            new ResponsePair(
                "p1",
                "s",
                prompt,
                new ResponsePair.Side("r1", "teacher-a", -1.0, -1.2, "4"),
                new ResponsePair.Side("r2", "teacher-b", -1.0 - 2.2e-7, -1.2, "four")));
    assertEquals("margin within the scores' precision (1e-4)", noise.leftOut());
    ExportRow tie =
        format.rowOfPair(
            new ResponsePair(
                "p1",
                "s",
                prompt,
                new ResponsePair.Side("r1", "teacher-a", -1.0, -1.2, "4"),
                new ResponsePair.Side("r2", "teacher-b", -1.0, -1.2, "four")));
    assertEquals(noise.leftOut(), tie.leftOut());
    ExportRow kept =
        format.rowOfPair(
            new ResponsePair(
                "p1",
                "s",
                prompt,
                new ResponsePair.Side("r1", "teacher-a", -1.0, -1.2, "4"),
                new ResponsePair.Side("r2", "teacher-b", -1.00011, -1.2, "four")));
    assertNull(kept.leftOut());
  }

  static List<List<Turn>> cannotAlternate() {
    return List.of(
        List.of(t("user", "Hi"), t("system", "Be brief."), t("user", "2 + 2?")),
        List.of(t("assistant", "Ready."), t("user", "2 + 2?")),
        List.of(t("user", "2 + 2?"), t("assistant", "Let me see.")),
        List.of(t("system", "Be brief.")));
  }

  @ParameterizedTest
  @EnumSource(
      value = ExportFormat.class,
      names = {"MESSAGES", "SHAREGPT", "ALPACA", "PAIRS_SHAREGPT"})
  void llamaFactorysFormatsLeaveOutPromptsThatCannotAlternateSayingWhy(ExportFormat f) {
    List<String> reasons = cannotAlternate().stream().map(p -> row(f, p).leftOut()).toList();
    assertEquals(
        List.of(
            TrainingRows.SYSTEM_NOT_FIRST,
            TrainingRows.STARTS_WITH_ASSISTANT,
            TrainingRows.ENDS_WITH_ASSISTANT,
            TrainingRows.NO_USER_TURN),
        reasons);
    ExportRow left = row(f, cannotAlternate().get(0));
    assertEquals(f.format().common().size(), left.values().size(), "only the common columns");
  }

  @ParameterizedTest
  @EnumSource(
      value = ExportFormat.class,
      names = {"PROMPT_COMPLETION", "PAIRS"})
  void trlsFormatsKeepEveryPrompt(ExportFormat f) {
    for (List<Turn> prompt : cannotAlternate()) {
      assertNull(row(f, prompt).leftOut(), f.key());
    }
  }

  @Test
  void formatsAreFoundByTheNameOutputExportGives() {
    assertEquals(ExportFormat.PAIRS_SHAREGPT, ExportFormat.named(" Pairs-ShareGPT ").orElseThrow());
    assertTrue(ExportFormat.named("csv").isEmpty());
    assertEquals(
        List.of("messages", "prompt-completion", "sharegpt", "alpaca", "pairs", "pairs-sharegpt"),
        ExportFormat.keys());
  }
}
