package dev.naturalness.stats;

import dev.naturalness.data.Metric;
import dev.naturalness.data.TeacherSummary;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One teacher's figures from its responses (for one student): counts, per metric the statistics of
 * {@link TeacherStatistics}, each window's mean LALP, and what the scores may be rewarding (lengths
 * and their correlations with the scores, repetition).
 */
public record TeacherFigures(
    long responses,
    long scored,
    Map<Metric, TeacherStatistics.Summary> byMetric,
    Map<String, Double> windowMeans,
    TeacherSummary.Traits traits)
    implements Serializable {

  /** The figures of one teacher; intervals are seeded per teacher and metric. */
  public static TeacherFigures of(
      String teacher, Iterable<TeacherResponse> responses, int samples, long seed) {
    Sums sums = new Sums();
    responses.forEach(sums::add);
    Map<Metric, TeacherStatistics.Summary> byMetric = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      List<TeacherStatistics.Scored> values = sums.byMetric.get(m);
      if (!values.isEmpty()) {
        // Seeded per teacher, so that a teacher's interval does not depend on the other teachers.
        byMetric.put(
            m,
            TeacherStatistics.summarize(
                values, samples, TeacherStatistics.seedFor(seed, teacher, m.key())));
      }
    }
    Map<String, Double> windowMeans = new LinkedHashMap<>();
    sums.windows.forEach((w, acc) -> windowMeans.put(w, acc[0] / acc[1]));
    return new TeacherFigures(sums.responses, sums.scored, byMetric, windowMeans, sums.traits());
  }

  /** The teacher's mean on a metric, or null when it has none. */
  public Double mean(Metric metric) {
    TeacherStatistics.Summary s = byMetric.get(metric);
    return s == null || Double.isNaN(s.mean()) ? null : s.mean();
  }

  /** Per metric, the teacher's scored responses added up per prompt (what resamples draw). */
  public static Map<Metric, List<TopProbability.PromptSum>> promptSums(
      Iterable<TeacherResponse> responses) {
    Map<Metric, Map<String, double[]>> byPrompt = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      byPrompt.put(m, new TreeMap<>());
    }
    for (TeacherResponse r : responses) {
      for (Metric m : Metric.values()) {
        if (r.ok() && r.value(m) != null) {
          double[] acc = byPrompt.get(m).computeIfAbsent(r.promptId(), p -> new double[2]);
          acc[0] += r.value(m);
          acc[1]++;
        }
      }
    }
    Map<Metric, List<TopProbability.PromptSum>> out = new EnumMap<>(Metric.class);
    byPrompt.forEach(
        (m, prompts) -> {
          List<TopProbability.PromptSum> list = new ArrayList<>(prompts.size());
          prompts.forEach(
              (p, acc) -> list.add(new TopProbability.PromptSum(p, acc[0], (long) acc[1])));
          out.put(m, list);
        });
    return out;
  }

  /** A teacher's responses added up. */
  private static final class Sums {
    long responses;
    long scored;
    final Map<Metric, List<TeacherStatistics.Scored>> byMetric = new EnumMap<>(Metric.class);
    final Map<Metric, Correlation> length = new EnumMap<>(Metric.class);
    final Map<Metric, Correlation> stepLength = new EnumMap<>(Metric.class);
    final Map<String, double[]> windows = new LinkedHashMap<>();
    double chars;
    double stepChars;
    long repeated;
    long stepsScored;
    final double[] noRepeats = new double[2];
    final double[] dropFirst = new double[2];

    Sums() {
      for (Metric m : Metric.values()) {
        byMetric.put(m, new ArrayList<>());
        length.put(m, new Correlation());
        stepLength.put(m, new Correlation());
      }
    }

    void add(TeacherResponse r) {
      responses++;
      if (!r.ok()) {
        return;
      }
      scored++;
      double meanStep = r.steps() > 0 ? (double) r.chars() / r.steps() : r.chars();
      chars += r.chars();
      stepChars += meanStep;
      for (Metric m : Metric.values()) {
        Double v = r.value(m);
        if (v != null) {
          byMetric.get(m).add(new TeacherStatistics.Scored(r.promptId(), v));
          length.get(m).add(r.chars(), v);
          stepLength.get(m).add(meanStep, v);
        }
      }
      r.byWindow()
          .forEach(
              (w, v) -> {
                if (v != null) {
                  double[] acc = windows.computeIfAbsent(w, k -> new double[2]);
                  acc[0] += v;
                  acc[1]++;
                }
              });
      repeated += r.repeated();
      stepsScored += r.stepsScored();
      add(noRepeats, r.noRepeats());
      add(dropFirst, r.dropFirst());
    }

    TeacherSummary.Traits traits() {
      return scored == 0
          ? TeacherSummary.Traits.NONE
          : new TeacherSummary.Traits(
              chars / scored,
              stepChars / scored,
              values(length),
              values(stepLength),
              stepsScored > 0 ? (double) repeated / stepsScored : null,
              mean(noRepeats),
              mean(dropFirst));
    }

    private static Map<Metric, Double> values(Map<Metric, Correlation> correlations) {
      Map<Metric, Double> out = new EnumMap<>(Metric.class);
      correlations.forEach((m, c) -> out.put(m, c.value()));
      return out;
    }

    private static void add(double[] acc, Double v) {
      if (v != null) {
        acc[0] += v;
        acc[1]++;
      }
    }

    private static Double mean(double[] acc) {
      return acc[1] > 0 ? acc[0] / acc[1] : null;
    }
  }
}
