package dev.naturalness.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.naturalness.data.RowStatus;
import dev.naturalness.data.Turn;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chat rows cut into a prompt and a response, and their prompts rendered. */
class ConversationTest {
  static final ChatTemplate QWEN =
      new ChatTemplate(
          "",
          "<|im_start|>system\n{content}<|im_end|>\n",
          "<|im_start|>user\n{content}<|im_end|>\n",
          "<|im_start|>assistant\n{content}<|im_end|>\n",
          "<|im_start|>assistant\n");

  static Turn t(String role, String content) {
    return new Turn(role, content);
  }

  @Test
  void theLastAssistantTurnIsTheResponseAndTheTurnsBeforeItThePrompt() {
    Conversation.Split s =
        Conversation.split(
            List.of(
                t("human", "Hi"),
                t("gpt", "Hello"),
                t("Human", "What is 2+2?"),
                t("GPT", "4"),
                t("human", "thanks")),
            "Be brief.");
    assertEquals("4", s.response());
    assertEquals(
        List.of(
            t("system", "Be brief."),
            t("user", "Hi"),
            t("assistant", "Hello"),
            t("user", "What is 2+2?")),
        s.prompt());
    assertEquals(
        "System: Be brief.\n\nUser: Hi\n\nAssistant: Hello\n\nWhat is 2+2?",
        Conversation.text(s.prompt()));
    assertEquals(
        "What is 2+2?",
        Conversation.text(List.of(t("user", "What is 2+2?"))),
        "one user turn is its text, as a flat row's prompt");
    assertEquals(
        List.of(t("user", "x")),
        Conversation.split(List.of(t("user", "x"), t("assistant", "y")), "  ").prompt(),
        "a blank system column adds no turn");
  }

  @Test
  void aResponseGivenInAColumnOfItsOwnLeavesEveryTurnToThePrompt() {
    Conversation.Split s =
        Conversation.withResponse(
            List.of(t("user", "Hi"), t("assistant", "Hello"), t("user", "2+2?")), "Be brief.", "4");
    assertEquals("4", s.response());
    assertEquals(
        List.of(
            t("system", "Be brief."), t("user", "Hi"), t("assistant", "Hello"), t("user", "2+2?")),
        s.prompt());
    assertEquals(
        RowStatus.UNKNOWN_ROLE,
        Conversation.withResponse(List.of(t("robot", "x")), null, "4").problem());
  }

  @Test
  void aChatThatCannotBeScoredSaysWhy() {
    Conversation.Split none = Conversation.split(List.of(t("user", "x")), null);
    assertEquals(RowStatus.NO_RESPONSE_TURN, none.problem());
    assertNull(none.response());
    assertEquals(RowStatus.NO_RESPONSE_TURN, Conversation.split(List.of(), null).problem());
    assertEquals(RowStatus.NO_RESPONSE_TURN, Conversation.split(null, null).problem());
    Conversation.Split tool =
        Conversation.split(List.of(t("user", "x"), t("tool", "{}"), t("assistant", "y")), null);
    assertEquals(RowStatus.UNKNOWN_ROLE, tool.problem());
    assertEquals(
        "turn 1 has role 'tool'; known roles: system, user or human, assistant or gpt",
        tool.reason());
    assertEquals(
        RowStatus.UNKNOWN_ROLE,
        Conversation.split(Arrays.asList(t("user", "x"), null, t("assistant", "y")), null)
            .problem());
  }

  @Test
  void oneUserTurnRendersAsTheFlatPromptWithOrWithoutAChatTemplate() {
    String template = "<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n";
    List<Turn> one = List.of(t("user", "What is 2+2?"));
    PromptTemplate withChat = new PromptTemplate(template, QWEN);
    PromptTemplate plain = new PromptTemplate(template);
    assertEquals(plain.render("What is 2+2?"), withChat.render(one));
    assertEquals(plain.render("What is 2+2?"), plain.render(one));
    List<Turn> longer =
        List.of(
            t("system", "Be brief."), t("user", "Hi"), t("assistant", "Hello"), t("user", "2+2?"));
    assertEquals(
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
            + "<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n"
            + "<|im_start|>assistant\n",
        withChat.render(longer));
    assertEquals(
        "<|im_start|>user\nSystem: Be brief.\n\nUser: Hi\n\nAssistant: Hello\n\n2+2?<|im_end|>\n"
            + "<|im_start|>assistant\n",
        plain.render(longer),
        "without a chat template the turns are text in the prompt template");
  }

  @Test
  void aTemplatesDefaultSystemTextIsAddedOnlyWhenTheChatHasNone() {
    ChatTemplate qwen25 =
        new ChatTemplate(
            "<|im_start|>system\nYou are Qwen.<|im_end|>\n",
            QWEN.system(),
            QWEN.user(),
            QWEN.assistant(),
            QWEN.generation());
    assertEquals(
        "<|im_start|>system\nYou are Qwen.<|im_end|>\n<|im_start|>user\nx<|im_end|>\n"
            + "<|im_start|>assistant\n",
        qwen25.render(List.of(t("user", "x"))));
    assertEquals(
        "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nx<|im_end|>\n<|im_start|>assistant\n",
        qwen25.render(List.of(t("system", "S"), t("user", "x"))));
  }

  @Test
  void aResponseInSeveralColumnsFillsItsTemplateInOrder() {
    String template = "<think>\n{reasoning}\n</think>\n\n{answer}";
    assertEquals(List.of("reasoning", "answer"), ResponseTemplate.placeholders(template));
    assertEquals(
        "<think>\nSo 4.\n</think>\n\n4", ResponseTemplate.fill(template, List.of("So 4.", "4")));
    assertNull(ResponseTemplate.fill(template, Arrays.asList("So 4.", null)));
    assertEquals(
        "{answer} then a",
        ResponseTemplate.fill("{x} then a", List.of("{answer}")),
        "a filled text is not filled again");
  }
}
