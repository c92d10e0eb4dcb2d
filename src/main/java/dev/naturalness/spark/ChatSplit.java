package dev.naturalness.spark;

import dev.naturalness.config.ConfigError;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Messages;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.Turn;
import dev.naturalness.text.ChatTurns;
import dev.naturalness.text.Conversation;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * A chat row split into its prompt turns and its response, as a UDF over the turns' JSON text
 * ({@link ChatTurns}, {@link Conversation}): the prompt's turns, text and identity, the response,
 * or why the row cannot be split (no row may end a run: one that cannot be read is an error row).
 */
final class ChatSplit {
  /** A prompt turn, as {@link Fields#TURNS} holds it. */
  static final StructType TURN =
      new StructType()
          .add("role", DataTypes.StringType, false)
          .add("content", DataTypes.StringType, false);

  /**
   * The split of a chat row, for Spark: its prompt turns, text and identity (for its prompt_id),
   * its response, or a problem.
   */
  static final StructType SPLIT =
      new StructType()
          .add("turns", DataTypes.createArrayType(TURN), true)
          .add("prompt", DataTypes.StringType, true)
          .add("identity", DataTypes.StringType, true)
          .add("response", DataTypes.StringType, true)
          .add("status", DataTypes.StringType, true)
          .add("reason", DataTypes.StringType, true);

  static UserDefinedFunction splitter(
      String roleField, String contentField, boolean responseGiven) {
    UDF3<String, String, String, Row> f =
        (json, system, response) -> {
          try {
            return split(
                json,
                roleField,
                contentField,
                system,
                responseGiven ? response : null,
                responseGiven);
          } catch (RuntimeException e) {
            // No row may end a run: one that cannot be read is an error row.
            return problem(
                RowStatus.BAD_RECORD,
                "the turns cannot be read: "
                    + e.getClass().getSimpleName()
                    + ": "
                    + Messages.firstLine(String.valueOf(e.getMessage())));
          }
        };
    return functions.udf(f, SPLIT);
  }

  private static Row split(
      String json,
      String roleField,
      String contentField,
      String system,
      String response,
      boolean responseGiven) {
    ChatTurns.Parsed parsed = ChatTurns.parse(json, roleField, contentField);
    if (!parsed.ok()) {
      return problem(parsed.problem(), parsed.reason());
    }
    Conversation.Split s =
        responseGiven
            ? Conversation.withResponse(parsed.turns(), system, response)
            : Conversation.split(parsed.turns(), system);
    if (!s.ok()) {
      return problem(s.problem(), s.reason());
    }
    List<Row> prompt = new ArrayList<>();
    for (Turn t : s.prompt()) {
      prompt.add(RowFactory.create(t.role(), t.content()));
    }
    return RowFactory.create(
        JavaConverters.asScalaBuffer(prompt).toSeq(),
        Conversation.text(s.prompt()),
        ChatTurns.identity(s.prompt()),
        s.response(),
        null,
        null);
  }

  private static Row problem(RowStatus status, String reason) {
    return RowFactory.create(null, null, null, null, status.code(), reason);
  }

  /**
   * A Parquet chat column must be a list of {role, content} whose content is text, or a list of
   * parts with their type and text.
   */
  static void requireTurnList(
      StructType schema, String column, String roleField, String contentField, String shape) {
    DataType t = RawColumns.type(schema, column);
    boolean fits =
        t instanceof ArrayType a
            && a.elementType() instanceof StructType e
            && RawColumns.has(e, roleField)
            && RawColumns.has(e, contentField)
            && (e.apply(contentField).dataType().equals(DataTypes.StringType)
                || e.apply(contentField).dataType() instanceof ArrayType parts
                    && parts.elementType() instanceof StructType part
                    && RawColumns.has(part, "type"));
    if (!fits) {
      throw new ConfigError(
          "input column '"
              + column
              + "' has type "
              + (t == null ? "(missing)" : t.simpleString())
              + "; input.shape = "
              + shape
              + " expects a list of {"
              + roleField
              + ", "
              + contentField
              + "} whose "
              + contentField
              + " is a string or a list of {type, text} parts");
    }
  }

  private ChatSplit() {}
}
