package dev.naturalness.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.naturalness.data.Messages;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A chat column's turns read from their JSON text, whatever form each turn's content takes: a
 * string, or a list of parts ({@code [{type: text, text: ...}, ...]}, the form of the OpenAI API,
 * TRL and many Hub chat sets), whose text parts are concatenated in order. A part of another type
 * (an image, a tool call) makes the row unreadable with its own status; so does anything that is
 * not a list of turns. The job reads every chat column this way: a Parquet list of structs through
 * its JSON, a JSON Lines column as the raw text of the line's list (so that a corpus mixing string
 * and part-list contents, which Spark would read as one string type, keeps both apart).
 */
public final class ChatTurns {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The part type whose text is read; every other type is refused. */
  public static final String TEXT_PART = "text";

  /** A row's turns (a turn, or its content, may be null), or why they cannot be read. */
  public record Parsed(List<Turn> turns, RowStatus problem, String reason) {
    public boolean ok() {
      return problem == null;
    }

    static Parsed failed(RowStatus status, String reason) {
      return new Parsed(null, status, reason);
    }
  }

  private ChatTurns() {}

  /**
   * The turns of one row from the JSON text of its list; a null text is a row without turns (null
   * turns).
   */
  public static Parsed parse(String json, String roleField, String contentField) {
    if (json == null) {
      return new Parsed(null, null, null);
    }
    JsonNode list;
    try {
      list = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return Parsed.failed(
          RowStatus.BAD_RECORD,
          "the turns are not JSON: " + Messages.firstLine(e.getOriginalMessage()));
    }
    if (list == null || list.isNull()) {
      return new Parsed(null, null, null);
    }
    if (!list.isArray()) {
      return Parsed.failed(
          RowStatus.BAD_RECORD, "the turns are a JSON " + kind(list) + ", not a list of turns");
    }
    List<Turn> turns = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      JsonNode turn = list.get(i);
      if (turn == null || turn.isNull()) {
        turns.add(null);
        continue;
      }
      if (!turn.isObject()) {
        return Parsed.failed(
            RowStatus.BAD_RECORD, "turn " + i + " is a JSON " + kind(turn) + ", not an object");
      }
      JsonNode role = turn.get(roleField);
      if (role != null && !role.isNull() && !role.isTextual()) {
        return Parsed.failed(
            RowStatus.BAD_RECORD, "turn " + i + " has a " + roleField + " that is not a string");
      }
      Content content = content(i, turn.get(contentField));
      if (content.problem() != null) {
        return Parsed.failed(content.problem(), content.reason());
      }
      String text = content.text();
      turns.add(new Turn(role == null || role.isNull() ? null : role.asText(), text));
    }
    return new Parsed(turns, null, null);
  }

  /** A turn's content as text (null when it has none), or why it cannot be read. */
  private record Content(String text, RowStatus problem, String reason) {
    static Content refused(String reason) {
      return new Content(null, RowStatus.UNSUPPORTED_CONTENT, reason);
    }
  }

  private static Content content(int i, JsonNode content) {
    if (content == null || content.isNull()) {
      return new Content(null, null, null);
    }
    if (content.isTextual()) {
      return new Content(content.asText(), null, null);
    }
    if (!content.isArray()) {
      return Content.refused(
          "turn " + i + " has content that is a JSON " + kind(content) + ", not text or parts");
    }
    StringBuilder text = new StringBuilder();
    for (int p = 0; p < content.size(); p++) {
      JsonNode part = content.get(p);
      String type = part != null && part.isObject() ? part.path("type").asText(null) : null;
      if (!TEXT_PART.equals(type)) {
        return Content.refused(
            "turn "
                + i
                + " part "
                + p
                + (type == null ? " has no type" : " is of type '" + type + "'")
                + "; only text parts ({type: text, text: ...}) can be scored");
      }
      JsonNode partText = part.get(TEXT_PART);
      if (partText == null || !partText.isTextual()) {
        return Content.refused("turn " + i + " part " + p + " has no text string");
      }
      text.append(partText.asText());
    }
    return new Content(text.toString(), null, null);
  }

  /**
   * An unambiguous text of a prompt's turns, each role and text as it is (a JSON list of {role,
   * content}): two prompts share it only when they have the same turns, however they render.
   */
  public static String identity(List<Turn> prompt) {
    ArrayNode out = JSON.createArrayNode();
    for (Turn t : prompt) {
      ObjectNode o = out.addObject();
      o.put("role", t.role());
      o.put("content", t.content());
    }
    return out.toString();
  }

  /** The sha256 of a text's UTF-8 bytes, in lower-case hex (as Spark's sha2(text, 256)). */
  public static String sha256(String text) {
    return Sha256.hex(text);
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
