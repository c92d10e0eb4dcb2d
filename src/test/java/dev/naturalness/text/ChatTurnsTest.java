package dev.naturalness.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.data.RowStatus;
import dev.naturalness.data.Turn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A chat column's turns read from their JSON, whatever form each turn's content takes. */
class ChatTurnsTest {
  static ChatTurns.Parsed messages(String json) {
    return ChatTurns.parse(json, "role", "content");
  }

  @Test
  void textPartsAreConcatenatedInOrderAndStringsReadAsTheyAre() {
    ChatTurns.Parsed p =
        messages(
            "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is \"},"
                + "{\"type\":\"text\",\"text\":\"2+2?\"}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"4\"}]}]");
    assertTrue(p.ok(), p.reason());
    assertEquals(
        List.of(
            new Turn("system", "Be brief."),
            new Turn("user", "What is 2+2?"),
            new Turn("assistant", "4")),
        p.turns());
  }

  @Test
  void aPartOfAnotherTypeMakesTheRowUnsupportedContentNamingThePart() {
    ChatTurns.Parsed p =
        messages(
            "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Describe\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://x/y.png\"}}]},"
                + "{\"role\":\"assistant\",\"content\":\"A cat.\"}]");
    assertEquals(RowStatus.UNSUPPORTED_CONTENT, p.problem());
    assertEquals(
        "turn 0 part 1 is of type 'image_url'; only text parts ({type: text, text: ...}) can be"
            + " scored",
        p.reason());
    assertEquals(
        RowStatus.UNSUPPORTED_CONTENT,
        messages("[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"x\"}}]").problem(),
        "content that is an object");
    assertEquals(
        RowStatus.UNSUPPORTED_CONTENT,
        messages("[{\"role\":\"user\",\"content\":[\"plain\"]}]").problem(),
        "a part without a type");
  }

  @Test
  void whatIsNotAListOfTurnsIsABadRecordAndNullIsNoTurns() {
    assertEquals(RowStatus.BAD_RECORD, messages("{\"role\":\"user\"}").problem());
    assertEquals(RowStatus.BAD_RECORD, messages("[1, 2]").problem());
    assertEquals(RowStatus.BAD_RECORD, messages("[{\"role\": 3, \"content\": \"x\"}").problem());
    assertEquals(RowStatus.BAD_RECORD, messages("[{\"role\": 3, \"content\": \"x\"}]").problem());
    assertTrue(messages(null).ok());
    assertNull(messages(null).turns());
    assertNull(messages("null").turns());
  }

  @Test
  void aTurnWithoutContentKeepsItsRoleWithNullContent() {
    ChatTurns.Parsed p =
        messages("[{\"role\":\"user\"},{\"role\":\"assistant\",\"content\":null}]");
    assertTrue(p.ok());
    assertEquals(List.of(new Turn("user", null), new Turn("assistant", null)), p.turns());
    ChatTurns.Parsed sharegpt =
        ChatTurns.parse("[{\"from\":\"human\",\"value\":\"hi\"}]", "from", "value");
    assertEquals(List.of(new Turn("human", "hi")), sharegpt.turns());
  }

  @Test
  void twoPromptsShareAnIdentityOnlyWithTheSameTurnsHoweverTheyRender() {
    List<Turn> system = List.of(new Turn("system", "X"), new Turn("user", "q"));
    List<Turn> inline = List.of(new Turn("user", "System: X\n\nq"));
    assertEquals(Conversation.text(system), Conversation.text(inline), "they render alike");
    assertNotEquals(ChatTurns.identity(system), ChatTurns.identity(inline));
    assertEquals(
        "[{\"role\":\"system\",\"content\":\"X\"},{\"role\":\"user\",\"content\":\"q\"}]",
        ChatTurns.identity(system));
    // A text that looks like a serialisation is escaped inside one: still a distinct identity.
    List<Turn> lookalike = List.of(new Turn("user", ChatTurns.identity(system)));
    assertNotEquals(ChatTurns.identity(system), ChatTurns.identity(lookalike));
  }
}
