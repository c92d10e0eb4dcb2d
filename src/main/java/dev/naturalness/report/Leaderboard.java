package dev.naturalness.report;

import dev.naturalness.data.Metric;
import dev.naturalness.data.TeacherSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The teacher table as the console shows it: LALP and GALP side by side, per student; and the
 * teacher x student matrix.
 */
public final class Leaderboard {
  /** Teachers printed per student; the rest are in teachers/. */
  static final int SHOWN = 40;

  private Leaderboard() {}

  public static String format(List<TeacherSummary> teachers) {
    StringBuilder out = new StringBuilder();
    Map<String, List<TeacherSummary>> byStudent = new LinkedHashMap<>();
    for (TeacherSummary t : teachers) {
      byStudent.computeIfAbsent(t.student(), s -> new ArrayList<>()).add(t);
    }
    for (Map.Entry<String, List<TeacherSummary>> e : byStudent.entrySet()) {
      student(e, out);
    }
    if (byStudent.size() > 1 && teachers.size() <= SHOWN * byStudent.size()) {
      out.append(matrix(teachers, new ArrayList<>(byStudent.keySet())));
    }
    return out.toString();
  }

  /** One student's leaderboard. */
  private static void student(Map.Entry<String, List<TeacherSummary>> e, StringBuilder out) {
    out.append("Teacher leaderboard (student ")
        .append(e.getKey())
        .append(", ranked by mean LALP):\n");
    String header =
        String.format(
            Locale.ROOT,
            "%-4s %-22s %8s %-19s %6s %6s   %-4s %8s %-19s %6s   %7s %6s%n",
            "rank",
            "teacher",
            "LALP",
            "95% interval",
            "wins",
            "P(1st)",
            "rank",
            "GALP",
            "95% interval",
            "wins",
            "scored",
            "errors");
    out.append(header).append("-".repeat(header.length() - 1)).append('\n');
    for (TeacherSummary t : e.getValue().subList(0, Math.min(SHOWN, e.getValue().size()))) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-4s %-22s %8s %-19s %6s %6s   %-4s %8s %-19s %6s   %7d %6d%n",
              rank(t.of(Metric.LALP).rank()),
              truncate(t.teacher(), 22),
              number(t.of(Metric.LALP).mean()),
              interval(t.of(Metric.LALP)),
              percent(t.of(Metric.LALP).winRate()),
              percent(t.of(Metric.LALP).topProbability()),
              rank(t.of(Metric.GALP).rank()),
              number(t.of(Metric.GALP).mean()),
              interval(t.of(Metric.GALP)),
              percent(t.of(Metric.GALP).winRate()),
              t.scored(),
              t.errors()));
    }
    TeacherSummary top = e.getValue().get(0);
    if (Boolean.TRUE.equals(top.sameFamily())) {
      out.append(
          String.format(
              Locale.ROOT,
              "warning: the top teacher %s is of the student's own family (%s); likelihood"
                  + " scores favour a student's own family%n",
              top.teacher(),
              top.family()));
    }
    if (e.getValue().size() > SHOWN) {
      out.append(
          String.format(
              Locale.ROOT,
              "... and %,d more teachers in teachers/%n",
              e.getValue().size() - SHOWN));
    }
    out.append('\n');
  }

  /** Mean LALP and rank of every teacher under every student. */
  static String matrix(List<TeacherSummary> teachers, List<String> students) {
    Map<String, Map<String, TeacherSummary>> cells = new LinkedHashMap<>();
    for (TeacherSummary t : teachers) {
      cells.computeIfAbsent(t.teacher(), k -> new LinkedHashMap<>()).put(t.student(), t);
    }
    StringBuilder out = new StringBuilder("Teacher x student (mean LALP, rank):\n");
    out.append(String.format(Locale.ROOT, "%-22s", "teacher"));
    for (String s : students) {
      out.append(String.format(Locale.ROOT, " %18s", truncate(s, 18)));
    }
    out.append('\n');
    for (Map.Entry<String, Map<String, TeacherSummary>> row : cells.entrySet()) {
      out.append(String.format(Locale.ROOT, "%-22s", truncate(row.getKey(), 22)));
      for (String s : students) {
        TeacherSummary t = row.getValue().get(s);
        out.append(
            String.format(
                Locale.ROOT,
                " %18s",
                t == null
                    ? "-"
                    : number(t.of(Metric.LALP).mean()) + " " + rank(t.of(Metric.LALP).rank())));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String truncate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  static String rank(Integer v) {
    return v == null ? "-" : "#" + v;
  }

  static String number(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String interval(TeacherSummary.MetricStatistics s) {
    return s.ciLow() == null
        ? "-"
        : String.format(Locale.ROOT, "[%.4f, %.4f]", s.ciLow(), s.ciHigh());
  }

  static String percent(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }
}
