package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.struct;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Turn;
import dev.naturalness.export.ResponsePair;
import dev.naturalness.export.TrainingRows;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The preference pairs beside the selection: per student and prompt with at least two candidates
 * (as the selection counts them), the best as chosen and the worst as rejected, with the chosen's
 * prompt and both texts. A pair whose sides teach no preference (the same text, or a margin within
 * the scores' precision) is a row the export leaves out and counts ({@code
 * ResponsePair#whyNotAPair}).
 */
final class SelectPairs {
  private static final String BEST = "_best";
  private static final String WORST = "_worst";
  private static final String CHOSEN = "_chosen";
  private static final String REJECTED = "_rejected";

  private SelectPairs() {}

  /** One row per pair; {@link #of} reads it. */
  static Dataset<Row> pairs(Dataset<Row> scores, Dataset<Row> canonical, Settings.Select select) {
    Column key =
        struct(
            negate(col(Fields.LALP)).as("k"),
            col(Fields.RESPONSE_ID).as("id"),
            col(Fields.TEACHER).as("teacher"),
            col(Fields.LALP).as("lalp"),
            col(Fields.GALP).as("galp"));
    Dataset<Row> ends =
        scores
            .filter(SelectStage.candidate(select))
            .groupBy(col(Fields.STUDENT), col(Fields.PROMPT_ID))
            .agg(min(key).as(BEST), max(key).as(WORST), count("*").as("n"))
            .filter(col("n").geq(2));
    Dataset<Row> texts = SelectStage.texts(canonical);
    Dataset<Row> chosen =
        texts.select(
            struct(
                    col("_text_id").as("id"),
                    col(SelectStage.PROMPT_TEXT).as("prompt"),
                    col(Fields.TURNS).as("turns"),
                    col(SelectStage.RESPONSE_TEXT).as("response"))
                .as(CHOSEN));
    Dataset<Row> rejected =
        texts.select(
            struct(col("_text_id").as("id"), col(SelectStage.RESPONSE_TEXT).as("response"))
                .as(REJECTED));
    return ends.join(chosen, col(BEST + ".id").equalTo(col(CHOSEN + ".id")))
        .join(rejected, col(WORST + ".id").equalTo(col(REJECTED + ".id")));
  }

  /** A row of {@link #pairs} as a pair. */
  static ResponsePair of(Row r) {
    Row best = r.getAs(BEST);
    Row worst = r.getAs(WORST);
    Row chosen = r.getAs(CHOSEN);
    Row rejected = r.getAs(REJECTED);
    List<Turn> prompt =
        TrainingRows.prompt(chosen.getAs("prompt"), ExportStage.turns(chosen.getAs("turns")));
    return new ResponsePair(
        r.getAs(Fields.PROMPT_ID),
        r.getAs(Fields.STUDENT),
        prompt,
        side(best, chosen.getAs("response")),
        side(worst, rejected.getAs("response")));
  }

  private static ResponsePair.Side side(Row end, String response) {
    return new ResponsePair.Side(
        end.getAs("id"), end.getAs("teacher"), end.getAs("lalp"), end.getAs("galp"), response);
  }
}
