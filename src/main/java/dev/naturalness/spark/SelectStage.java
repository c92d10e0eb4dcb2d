package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.row_number;

import dev.naturalness.config.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Per prompt, the top-k responses by LALP among the candidates: scored rows (status ok, LALP not
 * null) whose correct flag is not false when select.require-correct is on. Ties go to the smaller
 * response_id. Each selected row is the original input row, every column kept, plus its
 * response_id, lalp, galp, its rank and its margin over the next candidate (null when it is the
 * last).
 */
public final class SelectStage {
  private SelectStage() {}

  public static Dataset<Row> selectResponses(
      Dataset<Row> scores, Dataset<Row> input, Settings.Select select, Settings.Columns columns) {
    Column candidate = col(Fields.STATUS).equalTo(Status.OK).and(col(Fields.LALP).isNotNull());
    if (select.requireCorrect()) {
      candidate = candidate.and(col(Fields.CORRECT).isNull().or(col(Fields.CORRECT)));
    }
    WindowSpec byPrompt =
        Window.partitionBy(Fields.PROMPT_ID)
            .orderBy(col(Fields.LALP).desc(), col(Fields.RESPONSE_ID).asc());
    // The job caches the selection: hashed by prompt into as many partitions as the scores have
    // (CachedPartitions).
    Dataset<Row> ranked =
        scores
            .filter(candidate)
            .repartition(CachedPartitions.like(scores), col(Fields.PROMPT_ID))
            .select(
                col(Fields.ROW),
                col(Fields.RESPONSE_ID).as("_selected_response_id"),
                col(Fields.LALP).as("_lalp"),
                col(Fields.GALP).as("_galp"),
                col(Fields.PROMPT_ID).as("_prompt_id"),
                row_number().over(byPrompt).as("_selection_rank"),
                col(Fields.LALP).minus(lead(col(Fields.LALP), 1).over(byPrompt)).as("_margin"))
            .filter(col("_selection_rank").leq(select.topK()));
    Dataset<Row> joined = input.join(ranked, Fields.ROW);
    List<Column> out = new ArrayList<>();
    List<String> inputColumns = new ArrayList<>(Arrays.asList(input.columns()));
    inputColumns.remove(Fields.ROW);
    for (String c : inputColumns) {
      if (!List.of(Fields.LALP, Fields.GALP, Fields.MARGIN, Fields.SELECTION_RANK).contains(c)) {
        out.add(col(c));
      }
    }
    if (!inputColumns.contains(columns.responseId())) {
      out.add(col("_selected_response_id").as(Fields.RESPONSE_ID));
    }
    out.add(col("_lalp").as(Fields.LALP));
    out.add(col("_galp").as(Fields.GALP));
    out.add(col("_margin").as(Fields.MARGIN));
    out.add(col("_selection_rank").as(Fields.SELECTION_RANK));
    out.add(col("_prompt_id"));
    return joined.select(out.toArray(new Column[0]));
  }

  /**
   * The selected rows as written: about {@code rowsPerFile} rows a file, each file sorted by prompt
   * and rank (a global sort would make one file per shuffle partition).
   */
  public static Dataset<Row> forWriting(Dataset<Row> selected, long rows, long rowsPerFile) {
    int files = (int) Math.max(1, Math.min(10_000, (rows + rowsPerFile - 1) / rowsPerFile));
    return selected
        .repartition(files, col("_prompt_id"))
        .sortWithinPartitions(col("_prompt_id"), col(Fields.SELECTION_RANK))
        .drop("_prompt_id");
  }
}
