package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.naturalness.data.Fields;
import dev.naturalness.data.RowStatus;
import dev.naturalness.report.SelectionVsLabels;
import dev.naturalness.stats.LabelledSelection;
import dev.naturalness.stats.LabelledSelection.Chooser;
import dev.naturalness.stats.LabelledSelection.Sums;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How good each way of choosing a response is against the corpus's correctness labels ({@link
 * LabelledSelection}): per student and prompt, what LALP, GALP, the shortest and the longest
 * candidate pick and the prompt's share of correct candidates, over the prompts whose scored
 * candidates (status ok, LALP known) are all labelled and are at least two. The picks ignore the
 * labels (select.require is not applied): the point is how well the score alone would choose.
 * Everything is summed on the executors; the driver gets a row per student and per teacher.
 */
public final class LabelledSelectionStage {
  private static final String N = "_n";
  private static final String C = "_c";
  private static final String LABELLED = "_labelled";

  private LabelledSelectionStage() {}

  /** Per student, the figures; empty when no prompt qualifies (no labels). */
  public static List<SelectionVsLabels> measure(Dataset<Row> scores) {
    Dataset<Row> prompts = prompts(scores).cache();
    try {
      Map<String, SelectionVsLabels> out = new TreeMap<>();
      Map<String, List<SelectionVsLabels.TeacherLabels>> teachers = teachers(scores, prompts);
      for (Row r : totals(prompts).collectAsList()) {
        String student = r.getAs(Fields.STUDENT);
        out.put(student, summary(r, teachers.getOrDefault(student, List.of())));
      }
      return List.copyOf(out.values());
    } finally {
      prompts.unpersist();
    }
  }

  /** One row per qualifying (student, prompt): candidates, correct ones, and each pick's label. */
  static Dataset<Row> prompts(Dataset<Row> scores) {
    Column correct = col(Fields.CORRECT);
    Column id = col(Fields.RESPONSE_ID);
    Column picked = struct(correct.as("correct"), col(Fields.TEACHER).as("teacher"));
    return scores
        .filter(col(Fields.STATUS).equalTo(RowStatus.OK.code()).and(col(Fields.LALP).isNotNull()))
        .groupBy(col(Fields.STUDENT), col(Fields.PROMPT_ID))
        .agg(
            count(lit(1)).as(N),
            count(correct).as(LABELLED),
            sum(when(correct, 1).otherwise(0)).as(C),
            // The best score, ties to the smaller response_id, as the selection orders them; a
            // missing GALP is no candidate for GALP's pick.
            min_by(picked, struct(col(Fields.LALP).multiply(-1), id)).as(Chooser.LALP.name()),
            min_by(
                    picked,
                    when(col(Fields.GALP).isNotNull(), struct(col(Fields.GALP).multiply(-1), id)))
                .as(Chooser.GALP.name()),
            min_by(correct, struct(col(Fields.N_TOKENS), id)).as(Chooser.SHORTEST.name()),
            min_by(correct, struct(col(Fields.N_TOKENS).multiply(-1), id))
                .as(Chooser.LONGEST.name()))
        .filter(col(LABELLED).equalTo(col(N)).and(col(N).geq(2)));
  }

  /** Per student, the sums that give each chooser's figures and the pool's. */
  private static Dataset<Row> totals(Dataset<Row> prompts) {
    Column random = col(C).divide(col(N));
    Map<Chooser, Column> value = new EnumMap<>(Chooser.class);
    value.put(Chooser.LALP, pickValue(col(Chooser.LALP.name() + ".correct")));
    value.put(Chooser.GALP, pickValue(col(Chooser.GALP.name() + ".correct")));
    value.put(Chooser.RANDOM, random);
    value.put(Chooser.SHORTEST, pickValue(col(Chooser.SHORTEST.name())));
    value.put(Chooser.LONGEST, pickValue(col(Chooser.LONGEST.name())));
    value.put(Chooser.BEST_POSSIBLE, when(col(C).gt(0), 1.0).otherwise(0.0));
    List<Column> sums = new ArrayList<>();
    value.forEach(
        (chooser, x) -> {
          String k = chooser.name();
          // A GALP pick is missing where no candidate has GALP: that prompt does not count for it.
          sums.add(count(x).as(k + "_prompts"));
          sums.add(sum(x).as(k + "_sum"));
          sums.add(sum(x.multiply(x)).as(k + "_squares"));
          sums.add(sum(x.minus(random)).as(k + "_diff"));
          sums.add(sum(x.minus(random).multiply(x.minus(random))).as(k + "_diff_squares"));
        });
    sums.add(count(lit(1)).as("prompts"));
    sums.add(sum(col(C)).as("c"));
    sums.add(sum(col(N)).as("n"));
    sums.add(sum(col(C).multiply(col(C))).as("cc"));
    sums.add(sum(col(N).multiply(col(N))).as("nn"));
    sums.add(sum(col(C).multiply(col(N))).as("cn"));
    return prompts
        .groupBy(col(Fields.STUDENT))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(new Column[0]));
  }

  private static Column pickValue(Column label) {
    return when(label, 1.0).when(label.isNotNull(), 0.0);
  }

  private static SelectionVsLabels summary(Row r, List<SelectionVsLabels.TeacherLabels> teachers) {
    Map<Chooser, Sums> sums = new EnumMap<>(Chooser.class);
    for (Chooser c : Chooser.values()) {
      String k = c.name();
      sums.put(
          c,
          new Sums(
              r.<Long>getAs(k + "_prompts"),
              number(r, k + "_sum"),
              number(r, k + "_squares"),
              number(r, k + "_diff"),
              number(r, k + "_diff_squares")));
    }
    List<SelectionVsLabels.Choice> choices = new ArrayList<>();
    LabelledSelection.figures(sums)
        .forEach(
            (chooser, f) ->
                choices.add(
                    new SelectionVsLabels.Choice(
                        chooser.key(), sums.get(chooser).prompts(), f.rate(), f.vsRandom())));
    long prompts = r.getAs("prompts");
    return new SelectionVsLabels(
        r.getAs(Fields.STUDENT),
        prompts,
        r.<Long>getAs("n"),
        LabelledSelection.pool(
            prompts,
            number(r, "c"),
            number(r, "n"),
            number(r, "cc"),
            number(r, "nn"),
            number(r, "cn")),
        choices,
        teachers);
  }

  private record StudentTeacher(String student, String teacher) {}

  /** Per student and teacher: its labelled candidates' correct rate, and the picks it won. */
  private static Map<String, List<SelectionVsLabels.TeacherLabels>> teachers(
      Dataset<Row> scores, Dataset<Row> prompts) {
    Map<StudentTeacher, Map<String, SelectionVsLabels.Picks>> won = new HashMap<>();
    for (Chooser chooser : List.of(Chooser.LALP, Chooser.GALP)) {
      String pick = chooser.name();
      for (Row r :
          prompts
              .filter(col(pick).isNotNull())
              .groupBy(col(Fields.STUDENT), col(pick + ".teacher").as(Fields.TEACHER))
              .agg(
                  count(lit(1)).as("picks"),
                  sum(when(col(pick + ".correct"), 1).otherwise(0)).as("correct"))
              .collectAsList()) {
        won.computeIfAbsent(
                new StudentTeacher(r.getAs(Fields.STUDENT), r.getAs(Fields.TEACHER)),
                k -> new TreeMap<>())
            .put(chooser.key(), new SelectionVsLabels.Picks(r.getAs("picks"), r.getAs("correct")));
      }
    }
    Dataset<Row> labelled =
        scores
            .filter(col(Fields.STATUS).equalTo(RowStatus.OK.code()))
            .filter(col(Fields.CORRECT).isNotNull())
            .groupBy(col(Fields.STUDENT), col(Fields.TEACHER))
            .agg(
                count(lit(1)).as("responses"),
                sum(when(col(Fields.CORRECT), 1).otherwise(0)).as("correct"))
            .orderBy(col(Fields.STUDENT), col(Fields.TEACHER));
    Map<String, List<SelectionVsLabels.TeacherLabels>> out = new HashMap<>();
    for (Row r : labelled.collectAsList()) {
      StudentTeacher key = new StudentTeacher(r.getAs(Fields.STUDENT), r.getAs(Fields.TEACHER));
      long responses = r.getAs("responses");
      out.computeIfAbsent(key.student(), s -> new ArrayList<>())
          .add(
              new SelectionVsLabels.TeacherLabels(
                  key.teacher(),
                  responses,
                  LabelledSelection.proportion(r.<Long>getAs("correct"), responses),
                  won.getOrDefault(key, Map.of())));
    }
    return out;
  }

  /** A sum column as a double (Spark sums integers as long, doubles as double; null when empty). */
  private static double number(Row r, String field) {
    Object v = r.getAs(field);
    return v == null ? 0 : ((Number) v).doubleValue();
  }
}
