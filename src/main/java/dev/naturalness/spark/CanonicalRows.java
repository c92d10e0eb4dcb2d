package dev.naturalness.spark;

import dev.naturalness.data.CorpusRow;
import dev.naturalness.data.Duplicate;
import dev.naturalness.data.Fields;
import dev.naturalness.data.RowFlag;
import dev.naturalness.data.RowProblem;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.StepInput;
import dev.naturalness.data.Turn;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Reads canonical rows (see {@link CorpusReader#canonicalRows}) as {@link CorpusRow}s. */
final class CanonicalRows implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int promptId;
  private final int prompt;
  private final int teacher;
  private final int response;
  private final int responseId;
  private final int correct;
  private final int steps;
  private final int stepEnds;
  private final int readProblem;
  private final int duplicate;
  private final int textSha;
  private final int estimate;
  private final int input;
  private final int cachedParts;
  private final int turns;
  private final int flags;
  private final int shapeStatus;

  CanonicalRows(StructType schema) {
    promptId = schema.fieldIndex(Fields.PROMPT_ID);
    prompt = schema.fieldIndex(Fields.PROMPT);
    teacher = schema.fieldIndex(Fields.TEACHER);
    response = schema.fieldIndex(Fields.RESPONSE);
    responseId = schema.fieldIndex(Fields.RESPONSE_ID);
    correct = schema.fieldIndex(Fields.CORRECT);
    steps = schema.fieldIndex(Fields.STEPS);
    stepEnds = schema.fieldIndex(Fields.STEP_ENDS);
    readProblem = schema.fieldIndex(Fields.READ_PROBLEM);
    duplicate = schema.fieldIndex(Fields.DUPLICATE);
    textSha = schema.fieldIndex(Fields.TEXT_SHA);
    estimate = schema.fieldIndex(Fields.EST_TOKENS);
    input = schema.fieldIndex(Fields.INPUT);
    turns = schema.fieldIndex(Fields.TURNS);
    flags = schema.fieldIndex(Fields.FLAGS);
    shapeStatus = schema.fieldIndex(Fields.SHAPE_STATUS);
    cachedParts =
        schema.getFieldIndex(Fields.CACHED_PARTS).isDefined()
            ? schema.fieldIndex(Fields.CACHED_PARTS)
            : -1;
  }

  CorpusRow read(Row r) {
    List<String> texts = r.isNullAt(steps) ? null : r.getList(steps);
    long[] ends = null;
    if (!r.isNullAt(stepEnds)) {
      List<Long> list = r.getList(stepEnds);
      ends = new long[list.size()];
      for (int i = 0; i < ends.length; i++) {
        ends[i] = list.get(i) == null ? -1 : list.get(i);
      }
    }
    RowProblem problem =
        r.isNullAt(readProblem)
            ? null
            : new RowProblem(
                r.isNullAt(shapeStatus)
                    ? RowStatus.BAD_RECORD
                    : RowStatus.ofCode(r.getString(shapeStatus)),
                r.getString(readProblem));
    return new CorpusRow(
        r.getString(promptId),
        r.getString(prompt),
        r.getString(teacher),
        r.getString(response),
        r.getString(responseId),
        r.isNullAt(correct) ? null : r.getBoolean(correct),
        new StepInput(texts, ends),
        problem,
        Duplicate.valueOf(r.getString(duplicate)),
        r.getString(textSha),
        turns(r),
        flags(r));
  }

  /** A chat row's prompt turns, or null. */
  private List<Turn> turns(Row r) {
    if (r.isNullAt(turns)) {
      return null;
    }
    List<Turn> out = new ArrayList<>();
    for (Row t : SparkValues.<Row>list(r.get(turns))) {
      out.add(new Turn(t.getAs("role"), t.getAs("content")));
    }
    return out;
  }

  private List<RowFlag> flags(Row r) {
    List<RowFlag> out = new ArrayList<>();
    if (!r.isNullAt(flags)) {
      for (String code : SparkValues.<String>list(r.get(flags))) {
        out.add(RowFlag.ofCode(code));
      }
    }
    return out;
  }

  long estimate(Row r) {
    return r.getLong(estimate);
  }

  Row input(Row r) {
    return r.getStruct(input);
  }

  /** The stored parts of the row, or null (no cache, or none stored). */
  List<Row> cachedParts(Row r) {
    return cachedParts < 0 || r.isNullAt(cachedParts) ? null : r.getList(cachedParts);
  }
}
