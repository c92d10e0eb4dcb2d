package dev.naturalness.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** dataset_info.json: one entry per LLaMA-Factory format, student and split, named stably. */
class LlamaFactoryInfoTest {
  @Test
  void entriesAreNamedByFormatStudentAndSplitForLlamaFactorysFormatsOnly() {
    LlamaFactoryInfo info = new LlamaFactoryInfo();
    for (ExportFormat f : ExportFormat.values()) {
      for (String student : List.of("a", "b")) {
        for (String split : List.of("train", "test")) {
          info.add(f.format(), student, true, split, f.key() + "/data/" + student + "/" + split);
        }
      }
    }
    assertEquals(
        List.of(
            "naturalness_messages_a",
            "naturalness_messages_a_test",
            "naturalness_messages_b",
            "naturalness_messages_b_test",
            "naturalness_sharegpt_a",
            "naturalness_sharegpt_a_test",
            "naturalness_sharegpt_b",
            "naturalness_sharegpt_b_test",
            "naturalness_alpaca_a",
            "naturalness_alpaca_a_test",
            "naturalness_alpaca_b",
            "naturalness_alpaca_b_test",
            "naturalness_pairs-sharegpt_a",
            "naturalness_pairs-sharegpt_a_test",
            "naturalness_pairs-sharegpt_b",
            "naturalness_pairs-sharegpt_b_test"),
        List.copyOf(info.entries().keySet()));
    assertEquals(
        "sharegpt/data/b/test", info.entries().get("naturalness_sharegpt_b_test").get("file_name"));
  }

  @Test
  void oneStudentHasNoStudentInTheName() {
    LlamaFactoryInfo info = new LlamaFactoryInfo();
    info.add(ExportFormat.MESSAGES.format(), "s", false, "train", "messages/data/train");
    assertEquals(List.of("naturalness_messages"), List.copyOf(info.entries().keySet()));
  }

  @Test
  void theEntriesSayHowLlamaFactorysConvertersReadEachFormat() {
    LlamaFactoryInfo info = new LlamaFactoryInfo();
    info.add(
        ExportFormat.PAIRS_SHAREGPT.format(), "s", false, "train", "pairs-sharegpt/data/train");
    info.add(ExportFormat.ALPACA.format(), "s", false, "train", "alpaca/data/train");
    assertEquals(
        """
        {
          "naturalness_pairs-sharegpt" : {
            "file_name" : "pairs-sharegpt/data/train",
            "formatting" : "sharegpt",
            "ranking" : true,
            "columns" : {
              "messages" : "conversations",
              "chosen" : "chosen",
              "rejected" : "rejected"
            },
            "tags" : {
              "role_tag" : "from",
              "content_tag" : "value",
              "user_tag" : "human",
              "assistant_tag" : "gpt",
              "system_tag" : "system"
            }
          },
          "naturalness_alpaca" : {
            "file_name" : "alpaca/data/train",
            "formatting" : "alpaca",
            "columns" : {
              "prompt" : "instruction",
              "query" : "input",
              "response" : "output",
              "system" : "system",
              "history" : "history"
            }
          }
        }
        """,
        info.json());
    assertTrue(new LlamaFactoryInfo().isEmpty());
  }
}
