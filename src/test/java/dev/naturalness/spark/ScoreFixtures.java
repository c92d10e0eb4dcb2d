package dev.naturalness.spark;

import dev.naturalness.data.Duplicate;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Metric;
import dev.naturalness.data.RowFlag;
import dev.naturalness.data.RowStatus;
import dev.naturalness.data.ScoreRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Score rows made by hand, in the scores dataset's schema, each carrying a small input row. */
final class ScoreFixtures {
  /** The input rows' columns: the canonical four, a response_id and one extra column. */
  static final StructType INPUT =
      new StructType()
          .add("prompt_id", DataTypes.StringType)
          .add("prompt", DataTypes.StringType)
          .add("teacher", DataTypes.StringType)
          .add("response", DataTypes.StringType)
          .add("response_id", DataTypes.StringType)
          .add("extra", DataTypes.IntegerType);

  private ScoreFixtures() {}

  /** One made-up row: its scores, and what its input row holds. */
  record Made(
      String responseId,
      String promptId,
      String teacher,
      Double lalp,
      Double galp,
      String status,
      Boolean correct,
      String student,
      String response,
      int extra,
      float[] stepScores,
      int[] stepSpans) {
    Made(
        String responseId,
        String promptId,
        String teacher,
        Double lalp,
        Double galp,
        String status) {
      this(
          responseId,
          promptId,
          teacher,
          lalp,
          galp,
          status,
          null,
          "s",
          "response " + responseId,
          0,
          null,
          null);
    }

    Made withCorrect(Boolean c) {
      return new Made(
          responseId,
          promptId,
          teacher,
          lalp,
          galp,
          status,
          c,
          student,
          response,
          extra,
          stepScores,
          stepSpans);
    }

    Made withExtra(int e) {
      return new Made(
          responseId,
          promptId,
          teacher,
          lalp,
          galp,
          status,
          correct,
          student,
          response,
          e,
          stepScores,
          stepSpans);
    }

    Made withStudent(String s) {
      return new Made(
          responseId,
          promptId,
          teacher,
          lalp,
          galp,
          status,
          correct,
          s,
          response,
          extra,
          stepScores,
          stepSpans);
    }

    Made withSteps(String text, float[] scores, int[] spans) {
      return new Made(
          responseId,
          promptId,
          teacher,
          lalp,
          galp,
          status,
          correct,
          student,
          text,
          extra,
          scores,
          spans);
    }

    ScoreRecord record() {
      boolean ok = RowStatus.OK.code().equals(status);
      Map<String, Double> byWindow = new LinkedHashMap<>();
      byWindow.put("fraction=0.25", lalp);
      return new ScoreRecord.Builder()
          .responseId(responseId)
          .promptId(promptId)
          .teacher(teacher)
          .student(student)
          .score(Metric.LALP, lalp)
          .score(Metric.GALP, galp)
          .lalpByWindow(ok ? byWindow : null)
          .stepsScored(stepScores == null ? 1 : stepScores.length)
          .nTokens(10)
          .nSteps(stepScores == null ? 1 : stepScores.length)
          .responseChars(response.codePointCount(0, response.length()))
          .status(RowStatus.ofCode(status))
          .error(ok ? null : "failed")
          .flags(Boolean.FALSE.equals(correct) ? List.of(RowFlag.INCORRECT) : List.of())
          .stepScores(stepScores)
          .stepSpans(stepSpans)
          .configHash("h")
          .modelTokens(10L)
          .correct(correct)
          .textSha("sha-" + responseId)
          .build();
    }

    Row input() {
      return RowFactory.create(
          promptId, "Prompt of " + promptId, teacher, response, responseId, extra);
    }
  }

  /** The canonical rows the made rows were scored from: their ids and texts, none a duplicate. */
  static Dataset<Row> canonical(SparkSession spark, List<Made> rows) {
    StructType schema =
        new StructType()
            .add(Fields.RESPONSE_ID, DataTypes.StringType)
            .add(Fields.PROMPT, DataTypes.StringType)
            .add(Fields.TURNS, DataTypes.createArrayType(ChatSplit.TURN))
            .add(Fields.RESPONSE, DataTypes.StringType)
            .add(Fields.DUPLICATE, DataTypes.StringType);
    List<Row> out = new ArrayList<>();
    for (Made m : rows) {
      Row in = m.input();
      out.add(RowFactory.create(m.responseId(), in.get(1), null, in.get(3), Duplicate.NONE.name()));
    }
    return spark.createDataFrame(out, schema);
  }

  static Dataset<Row> scores(SparkSession spark, List<Made> rows) {
    List<Row> out = new ArrayList<>();
    for (Made m : rows) {
      out.add(ScoreRows.toRow(m.record(), null, m.input()));
    }
    return spark.createDataFrame(out, ScoreRows.schema(INPUT));
  }
}
