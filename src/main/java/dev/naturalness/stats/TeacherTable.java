package dev.naturalness.stats;

import dev.naturalness.data.Metric;
import dev.naturalness.data.TeacherSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One student's teacher table from its parts: each teacher's figures, the prompts it won, its
 * balanced means and its chance of ranking first, ranked per metric and per window (1 for the
 * highest mean, ties to the name that sorts first), in the order of the ranking metric.
 */
public final class TeacherTable {
  private TeacherTable() {}

  /**
   * What needs every teacher at once, per metric: the prompts each teacher's response won, the mean
   * over the prompts every teacher answered, and the share of resamples it leads.
   */
  public record Joint(
      Map<String, long[]> wins,
      Map<Metric, Map<String, Double>> balancedMeans,
      Map<Metric, Map<String, Double>> topShares) {}

  public static List<TeacherSummary> of(
      String student, Map<String, TeacherFigures> teachers, Joint joint, List<String> windows) {
    List<String> names = new ArrayList<>(teachers.keySet());
    Map<Metric, Map<String, Integer>> ranks = new EnumMap<>(Metric.class);
    Map<Metric, Map<String, Integer>> balancedRanks = new EnumMap<>(Metric.class);
    for (Metric metric : Metric.values()) {
      ranks.put(metric, rank(values(names, t -> teachers.get(t).mean(metric))));
      balancedRanks.put(metric, rank(values(names, t -> joint.balancedMeans().get(metric).get(t))));
    }
    Map<String, Map<String, Integer>> windowRanks = new HashMap<>();
    for (String w : windows) {
      windowRanks.put(w, rank(values(names, t -> teachers.get(t).windowMeans().get(w))));
    }
    Comparator<String> order = Comparator.comparing(t -> 0);
    for (Metric metric : Metric.values()) {
      order = order.thenComparing(t -> ranks.get(metric).getOrDefault(t, Integer.MAX_VALUE));
    }
    names.sort(order.thenComparing(t -> t));
    List<TeacherSummary> out = new ArrayList<>();
    for (String t : names) {
      TeacherFigures f = teachers.get(t);
      Map<Metric, TeacherSummary.MetricStatistics> byMetric = new EnumMap<>(Metric.class);
      for (Metric metric : Metric.values()) {
        byMetric.put(
            metric,
            statistics(
                f.byMetric().get(metric),
                joint.wins().getOrDefault(t, new long[Metric.values().length])[metric.ordinal()],
                ranks.get(metric).get(t),
                joint.balancedMeans().get(metric).get(t),
                balancedRanks.get(metric).get(t),
                joint.topShares().get(metric) == null
                    ? null
                    : joint.topShares().get(metric).get(t)));
      }
      Map<String, Integer> byWindowRank = new LinkedHashMap<>();
      Map<String, Double> byWindowMean = new LinkedHashMap<>();
      for (String w : windows) {
        byWindowMean.put(w, f.windowMeans().get(w));
        byWindowRank.put(w, windowRanks.get(w).get(t));
      }
      out.add(
          new TeacherSummary(
              student,
              t,
              f.responses(),
              f.scored(),
              f.responses() - f.scored(),
              byMetric,
              windows.isEmpty() ? null : byWindowMean,
              windows.isEmpty() ? null : byWindowRank,
              f.traits(),
              null,
              null));
    }
    return out;
  }

  private static TeacherSummary.MetricStatistics statistics(
      TeacherStatistics.Summary s,
      long wins,
      Integer rank,
      Double balancedMean,
      Integer balancedRank,
      Double top) {
    if (s == null) {
      return TeacherSummary.MetricStatistics.NONE;
    }
    return new TeacherSummary.MetricStatistics(
        rank,
        nullIfNaN(s.mean()),
        nullIfNaN(s.median()),
        nullIfNaN(s.ciLow()),
        nullIfNaN(s.ciHigh()),
        s.prompts() == 0 ? null : (double) wins / s.prompts(),
        s.prompts(),
        balancedMean,
        balancedRank,
        top);
  }

  /** The teachers' values that are known (not null). */
  private static Map<String, Double> values(List<String> teachers, Function<String, Double> value) {
    Map<String, Double> out = new HashMap<>();
    for (String t : teachers) {
      Double v = value.apply(t);
      if (v != null) {
        out.put(t, v);
      }
    }
    return out;
  }

  /** 1 for the highest value, ties to the teacher name that sorts first. */
  public static Map<String, Integer> rank(Map<String, Double> values) {
    List<String> ranked = new ArrayList<>(values.keySet());
    ranked.sort(Comparator.comparingDouble((String t) -> -values.get(t)).thenComparing(t -> t));
    Map<String, Integer> ranks = new HashMap<>();
    for (int i = 0; i < ranked.size(); i++) {
      ranks.put(ranked.get(i), i + 1);
    }
    return ranks;
  }

  private static Double nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
