package dev.naturalness.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode_outer;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.data.RowStatus;
import dev.naturalness.text.ChatTurns;
import dev.naturalness.text.Conversation;
import dev.naturalness.text.MarkerRewrite;
import dev.naturalness.text.ResponseTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The corpus in the job's standard columns, whatever shape it was published in ({@code
 * input.shape}): one row per response with prompt_id, prompt, teacher, response, response_id,
 * correct (and whether a label was not understood), the given steps, a chat row's prompt turns,
 * what the corpus says of completeness, the teacher's family, a problem that keeps the row from
 * being scored, the row's place in its scan and the input row it came from. A chat row's prompt is
 * its turns as one text ({@link Conversation#text}); a prompt_id column the input lacks is the
 * sha256 of that text.
 */
final class InputShapes {
  private InputShapes() {}

  /**
   * @param steps, stepEnds a flat row's given steps, from the raw columns (null literals when the
   *     segmenter does not read them)
   */
  static Dataset<Row> standardize(
      Dataset<Row> raw, Settings.Input input, Column steps, Column stepEnds) {
    Shape s = new Shape(raw, input, steps, stepEnds);
    return switch (input.shape()) {
      case FLAT -> s.flat();
      case MESSAGES ->
          s.chat(input.columns().messages(), "role", "content", input.columns().system());
      case CONVERSATIONS ->
          s.chat(input.columns().conversations(), "from", "value", input.columns().system());
      case GENERATIONS -> s.generations();
      case WIDE -> s.wide();
    };
  }

  /** The standard columns of one shape, made from the raw rows. */
  private static final class Shape {
    final Dataset<Row> raw;
    final StructType schema;
    final Settings.Input input;
    final Settings.Columns c;
    final Column steps;
    final Column stepEnds;
    final MarkerRewrite rewrite;

    Shape(Dataset<Row> raw, Settings.Input input, Column steps, Column stepEnds) {
      this.raw = raw;
      this.steps = steps;
      this.stepEnds = stepEnds;
      this.schema = raw.schema();
      this.input = input;
      this.c = input.columns();
      this.rewrite = MarkerRewrite.of(input.thinkMarkers());
    }

    Dataset<Row> flat() {
      Column prompt = RawColumns.text(schema, c.prompt(), "input.columns.prompt");
      return select(
          raw,
          new Parts(
              prompt,
              response(c.response(), input.responseTemplate(), "input.columns.response"),
              teacher(),
              given(c.responseId(), "input.columns.response_id"),
              Labels.parse(schema, c.correct(), "input.columns.correct"),
              null,
              RawColumns.readProblem(schema),
              null,
              // selected/ holds the input row: with think-markers, its response as scored.
              RawColumns.inputStruct(
                  schema, List.of(), concatList(c.steps(), c.response()), this::rewrite),
              null,
              null,
              null));
    }

    /**
     * A chat list's last assistant turn is the response, the turns before it the prompt; when the
     * input has the response column(s), the response is theirs and every turn is the prompt. The
     * turns are read from their JSON text ({@link ChatTurns}): a JSON Lines corpus's column as the
     * reader left it (raw), a Parquet list through to_json.
     */
    Dataset<Row> chat(String column, String roleField, String contentField, String system) {
      Column turnsJson =
          RawColumns.isRawJson(schema, column)
              ? col(RawColumns.quoted(column))
              : to_json(col(RawColumns.quoted(column)));
      if (!RawColumns.isRawJson(schema, column)) {
        ChatSplit.requireTurnList(schema, column, roleField, contentField, input.shape().key());
      }
      Column systemText =
          system != null && schema.getFieldIndex(system).isDefined()
              ? RawColumns.text(schema, system, "input.columns.system")
              : lit(null).cast(DataTypes.StringType);
      boolean responseGiven =
          c.response().stream().allMatch(r -> schema.getFieldIndex(r).isDefined());
      Column given =
          responseGiven
              ? response(c.response(), input.responseTemplate(), "input.columns.response")
              : lit(null).cast(DataTypes.StringType);
      UserDefinedFunction split = ChatSplit.splitter(roleField, contentField, responseGiven);
      Dataset<Row> withSplit = raw.withColumn("_split", split.apply(turnsJson, systemText, given));
      return select(
          withSplit,
          new Parts(
              col("_split.prompt"),
              col("_split.response"),
              teacher(),
              given(c.responseId(), "input.columns.response_id"),
              Labels.parse(schema, c.correct(), "input.columns.correct"),
              col("_split.turns"),
              coalesce(
                  RawColumns.readProblem(schema),
                  when(col("_split.status").isNotNull(), col("_split.reason"))),
              col("_split.status"),
              RawColumns.inputStruct(schema, List.of()),
              null,
              null,
              col("_split.identity")));
    }

    /** One row per generation; aligned lists give each its label, completeness and finish. */
    Dataset<Row> generations() {
      Settings.Generations g = input.generations();
      String list = c.generations();
      RawColumns.requireList(schema, list, "input.columns.generations", DataTypes.StringType);
      List<String> aligned = new ArrayList<>(g.correct());
      for (String extra : List.of(g.complete(), g.finishReasons())) {
        if (!extra.isEmpty()) {
          aligned.add(extra);
        }
      }
      for (String a : aligned) {
        RawColumns.requireList(schema, a, "input.generations", null);
      }
      Dataset<Row> exploded =
          raw.select(
              col("*"),
              posexplode_outer(col(RawColumns.quoted(list))).as(new String[] {"_i", "_g"}));
      Column generations = col(RawColumns.quoted(list));
      Column misaligned = generations.isNotNull().and(misaligned(list, aligned));
      Column empty = col("_g").isNull().and(col("_i").isNull());
      Column prompt = RawColumns.text(schema, c.prompt(), "input.columns.prompt");
      Column i = col("_i").cast(DataTypes.StringType);
      // A row without a prompt_id still gives each generation an id of its own.
      Column responseId =
          coalesce(
              concat(promptId(prompt), lit("#"), i),
              concat(lit("row-"), col(Fields.ROW).cast(DataTypes.StringType), lit("#"), i));
      return select(
          exploded,
          new Parts(
              prompt,
              col("_g"),
              teacher(),
              responseId,
              correct(g),
              null,
              coalesce(
                  RawColumns.readProblem(schema),
                  when(generations.isNull(), lit("the generations list (" + list + ") is null")),
                  when(empty, lit("the generations list (" + list + ") is empty")),
                  when(misaligned, lit("the lists " + aligned + " are not as long as " + list))),
              when(empty, lit(RowStatus.MISSING_FIELD.code()))
                  .when(misaligned, lit(RowStatus.MISALIGNED_LISTS.code())),
              RawColumns.inputStruct(schema, concatList(list, aligned)),
              g.complete().isEmpty() ? null : element(g.complete()).cast(DataTypes.BooleanType),
              g.finishReasons().isEmpty()
                  ? null
                  : element(g.finishReasons()).cast(DataTypes.StringType),
              null));
    }

    /** Whether an aligned list is there but not as long as the generations. */
    private Column misaligned(String list, List<String> aligned) {
      Column misaligned = lit(false);
      for (String a : aligned) {
        Column l = col(RawColumns.quoted(a));
        misaligned =
            misaligned.or(l.isNotNull().and(size(l).notEqual(size(col(RawColumns.quoted(list))))));
      }
      return misaligned;
    }

    /** One row per named teacher of each input row. */
    Dataset<Row> wide() {
      Column prompt = RawColumns.text(schema, c.prompt(), "input.columns.prompt");
      Dataset<Row> all = null;
      for (Map.Entry<String, Settings.WideTeacher> t : input.teachers().entrySet()) {
        List<String> missing =
            t.getValue().response().stream()
                .filter(r -> !schema.getFieldIndex(r).isDefined())
                .toList();
        Column response =
            missing.isEmpty()
                ? response(
                    t.getValue().response(),
                    t.getValue().responseTemplate(),
                    "input.teachers." + t.getKey() + ".response")
                : lit(null).cast(DataTypes.StringType);
        Labels.Label correct =
            t.getValue().correct().isEmpty()
                ? Labels.none()
                : Labels.parse(
                    schema, t.getValue().correct(), "input.teachers." + t.getKey() + ".correct");
        Dataset<Row> one =
            select(
                raw,
                new Parts(
                    prompt,
                    response,
                    lit(t.getValue().teacher()),
                    lit(null).cast(DataTypes.StringType),
                    correct,
                    null,
                    missing.isEmpty()
                        ? RawColumns.readProblem(schema)
                        : lit(
                            "input has no column "
                                + missing
                                + " (input.teachers."
                                + t.getKey()
                                + ".response)"),
                    missing.isEmpty() ? null : lit(RowStatus.MISSING_COLUMN.code()),
                    RawColumns.inputStruct(schema, List.of()),
                    null,
                    null,
                    null));
        all = all == null ? one : all.unionByName(one);
      }
      return all;
    }

    /** The standard columns, in order, from one shape's expressions. */
    private Dataset<Row> select(Dataset<Row> from, Parts p) {
      List<Column> cols = new ArrayList<>();
      cols.add(
          promptId(p.promptIdentity() != null ? p.promptIdentity() : p.prompt())
              .as(Fields.PROMPT_ID));
      cols.add(p.prompt().as(Fields.PROMPT));
      cols.add(p.teacher().as(Fields.TEACHER));
      cols.add(rewrite(p.response()).as(Fields.RESPONSE));
      cols.add(p.responseId().as(Fields.RESPONSE_ID));
      cols.add(p.correct().value().as(Fields.CORRECT));
      cols.add(p.correct().unrecognized().as(Fields.CORRECT_UNRECOGNIZED));
      cols.add(orNull(p.turns(), DataTypes.createArrayType(ChatSplit.TURN)).as(Fields.TURNS));
      cols.add(
          (p.complete() != null ? p.complete() : optional(c.complete(), DataTypes.BooleanType))
              .as(Fields.COMPLETE));
      cols.add(
          (p.finish() != null ? p.finish() : optional(c.finishReason(), DataTypes.StringType))
              .as(Fields.FINISH_REASON));
      cols.add(family(p.teacher()).as(Fields.TEACHER_FAMILY));
      cols.add(orNull(p.problem(), DataTypes.StringType).as(Fields.READ_PROBLEM));
      cols.add(orNull(p.status(), DataTypes.StringType).as(Fields.SHAPE_STATUS));
      cols.add(col(Fields.ROW));
      cols.add(p.inputRow().as(Fields.INPUT));
      cols.add(
          (rewrite.isEmpty() ? steps : functions.transform(steps, this::rewrite)).as(Fields.STEPS));
      cols.add(stepEnds.as(Fields.STEP_ENDS));
      return from.select(cols.toArray(new Column[0]));
    }

    /** A response's text with input.think-markers rewritten (the column itself without them). */
    private Column rewrite(Column text) {
      return rewrite.isEmpty() ? text : rewriteMarkers(rewrite).apply(text);
    }

    /**
     * The prompt_id column, else the sha256 of the prompt's identity: its text, or a chat's turns
     * as {@link ChatTurns#identity} writes them.
     */
    private Column promptId(Column identity) {
      return schema.getFieldIndex(c.promptId()).isDefined()
          ? RawColumns.text(schema, c.promptId(), "input.columns.prompt_id")
          : sha2(identity, 256);
    }

    private Column teacher() {
      return input.teacher().isEmpty()
          ? RawColumns.text(schema, c.teacher(), "input.columns.teacher")
          : lit(input.teacher());
    }

    /** The given response id, or null (the job then derives it). */
    private Column given(String column, String key) {
      if (!schema.getFieldIndex(column).isDefined()) {
        return lit(null).cast(DataTypes.StringType);
      }
      return RawColumns.responseIdColumn(schema, column, key);
    }

    /**
     * One column, or several filling a response template (null when one is null): by column name
     * when the placeholders name the columns, else in order.
     */
    private Column response(List<String> columns, String template, String key) {
      if (columns.size() == 1 && template.isEmpty()) {
        return RawColumns.text(schema, columns.get(0), key);
      }
      List<Column> parts = new ArrayList<>();
      if (template.isEmpty()) {
        for (String name : columns) {
          parts.add(RawColumns.text(schema, name, key));
        }
        return concat(parts.toArray(new Column[0]));
      }
      List<String> placeholders = ResponseTemplate.placeholders(template);
      List<String> filling = ResponseTemplate.columnsInOrder(template, columns);
      String rest = template;
      for (int i = 0; i < placeholders.size(); i++) {
        String placeholder = "{" + placeholders.get(i) + "}";
        int at = rest.indexOf(placeholder);
        parts.add(lit(rest.substring(0, at)));
        parts.add(RawColumns.text(schema, filling.get(i), key));
        rest = rest.substring(at + placeholder.length());
      }
      parts.add(lit(rest));
      return concat(parts.toArray(new Column[0]));
    }

    private Column optional(String column, DataType type) {
      return column.isEmpty() || !schema.getFieldIndex(column).isDefined()
          ? lit(null).cast(type)
          : col(RawColumns.quoted(column)).cast(type);
    }

    /** The teacher's family: its column, else input.teacher-families, else null. */
    private Column family(Column teacher) {
      Column known = lit(null).cast(DataTypes.StringType);
      for (Map.Entry<String, String> f : input.teacherFamilies().entrySet()) {
        known = when(teacher.equalTo(f.getKey()), lit(f.getValue())).otherwise(known);
      }
      return c.teacherFamily().isEmpty() || !schema.getFieldIndex(c.teacherFamily()).isDefined()
          ? known
          : coalesce(col(RawColumns.quoted(c.teacherFamily())).cast(DataTypes.StringType), known);
    }

    /** The generation's element of an aligned list. */
    private Column element(String list) {
      return element_at(col(RawColumns.quoted(list)), col("_i").plus(1));
    }

    /** correct from the aligned label lists, by input.generations.correct-rule ({@link Labels}). */
    private Labels.Label correct(Settings.Generations g) {
      if (g.correct().isEmpty()) {
        return Labels.none();
      }
      List<Labels.Label> lists = new ArrayList<>();
      for (String list : g.correct()) {
        DataType element = ((ArrayType) schema.apply(list).dataType()).elementType();
        lists.add(Labels.parse(element(list), element, "input.generations.correct"));
      }
      return Labels.combined(lists, g.correctRule());
    }
  }

  /**
   * One shape's expressions for the standard columns; a null turns, problem, status, complete or
   * finish is a null value (complete and finish then come from their columns, if any).
   */
  private record Parts(
      Column prompt,
      Column response,
      Column teacher,
      Column responseId,
      Labels.Label correct,
      Column turns,
      Column problem,
      Column status,
      Column inputRow,
      Column complete,
      Column finish,
      Column promptIdentity) {}

  /** input.think-markers as a UDF of one string (null stays null; it cannot fail on a text). */
  private static UserDefinedFunction rewriteMarkers(MarkerRewrite rewrite) {
    UDF1<String, String> f = rewrite::apply;
    return functions.udf(f, DataTypes.StringType);
  }

  private static Column orNull(Column c, DataType type) {
    return c == null ? lit(null).cast(type) : c;
  }

  private static List<String> concatList(String first, List<String> rest) {
    List<String> out = new ArrayList<>(List.of(first));
    out.addAll(rest);
    return out;
  }
}
