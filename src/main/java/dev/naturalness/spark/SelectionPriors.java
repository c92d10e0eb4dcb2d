package dev.naturalness.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.xxhash64;

import dev.naturalness.data.Fields;
import dev.naturalness.stats.ErrorModel;
import dev.naturalness.stats.GapPrior;
import dev.naturalness.stats.SelectionCertainty;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * The selection's certainty from sampled scores: per student, a prior on the gaps between a
 * prompt's candidates ({@link GapPrior}) fit on the driver to a sample of its prompts, and the UDF
 * that weighs each prompt's candidates with it.
 */
final class SelectionPriors {
  /**
   * Prompts a student's prior is fit to: a hash-ordered sample, so the same corpus gives the same
   * prior. 20,000 prompts of up to tens of candidates are a few MiB on the driver, and pin a
   * 24-point mixture far more finely than its grid resolves.
   */
  static final int SAMPLE_PROMPTS = 20_000;

  private SelectionPriors() {}

  /**
   * Each student's prior, from its candidates (rows with LALP and its standard error).
   *
   * @param errors how the estimates err (from the run's exact check, else as stated)
   */
  static Map<String, GapPrior> fit(Dataset<Row> candidates, ErrorModel errors) {
    Map<String, GapPrior> out = new HashMap<>();
    List<Row> students = candidates.select(col(Fields.STUDENT)).distinct().collectAsList();
    for (Row s : students) {
      String student = s.getAs(Fields.STUDENT);
      List<Row> sample =
          candidates
              .filter(col(Fields.STUDENT).equalTo(student).and(col(Fields.LALP_SE).isNotNull()))
              .groupBy(col(Fields.PROMPT_ID))
              .agg(
                  collect_list(col(Fields.LALP)).as("means"),
                  collect_list(col(Fields.LALP_SE)).as("errors"))
              .filter(size(col("means")).geq(2))
              .orderBy(xxhash64(col(Fields.PROMPT_ID)), col(Fields.PROMPT_ID))
              .limit(SAMPLE_PROMPTS)
              .collectAsList();
      List<double[]> means = new ArrayList<>();
      List<double[]> ses = new ArrayList<>();
      for (Row r : sample) {
        means.add(doubles(r.getList(r.fieldIndex("means"))));
        ses.add(doubles(r.getList(r.fieldIndex("errors"))));
      }
      GapPrior prior = GapPrior.fit(means, ses, errors);
      if (prior != null) {
        out.put(student, prior);
      }
    }
    return out;
  }

  private static double[] doubles(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * The chance that the first selected response is its prompt's best, from every candidate's LALP
   * and standard error under its student's prior ({@link SelectionCertainty}); null when a
   * candidate's error is not known.
   */
  static UserDefinedFunction certainty(Map<String, GapPrior> priors) {
    Map<String, GapPrior> byStudent = new HashMap<>(priors);
    UDF3<Seq<Row>, String, String, Double> f =
        (all, selectedId, student) -> {
          List<Row> list = JavaConverters.seqAsJavaList(all);
          double[] means = new double[list.size()];
          double[] errors = new double[list.size()];
          int selected = -1;
          for (int i = 0; i < list.size(); i++) {
            Row c = list.get(i);
            Double se = c.getAs(Fields.LALP_SE);
            if (se == null) {
              return null;
            }
            means[i] = c.<Double>getAs(Fields.LALP);
            errors[i] = se;
            if (selectedId.equals(c.getAs(Fields.RESPONSE_ID))) {
              selected = i;
            }
          }
          return SelectionCertainty.probabilityBest(
              means, errors, selected, byStudent.get(student));
        };
    return functions.udf(f, DataTypes.DoubleType);
  }
}
