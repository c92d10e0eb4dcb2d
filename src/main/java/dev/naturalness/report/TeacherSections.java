package dev.naturalness.report;

import static dev.naturalness.report.Html.corr;
import static dev.naturalness.report.Html.esc;
import static dev.naturalness.report.Html.num;
import static dev.naturalness.report.Html.pct;
import static dev.naturalness.report.Html.rank;
import static dev.naturalness.report.Html.whole;

import dev.naturalness.data.Metric;
import dev.naturalness.data.TeacherSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's teacher tables: the leaderboard, teacher x student, teacher x window, and what the
 * scores reward.
 */
final class TeacherSections {
  private TeacherSections() {}

  static void leaderboard(
      StringBuilder h, String student, List<TeacherSummary> teachers, boolean several) {
    familyWarning(h, student, teachers);
    h.append("<section id=\"leaderboard")
        .append(several ? "-" + esc(student) : "")
        .append("\"><h2>Teacher leaderboard")
        .append(several ? " &middot; student " + esc(student) : "")
        .append("</h2>")
        .append(
            "<p>Ranked by mean LALP (local naturalness). Intervals are bootstrap 95% over prompts; wins are the ")
        .append(
            "share of a teacher's prompts where its response scores highest; P(1st) is the share of joint bootstrap ")
        .append(
            "resamples of prompts in which the teacher ranks first; balanced is the mean over the prompts every ")
        .append(
            "teacher answered.</p><table class=\"board\"><thead><tr><th rowspan=2>teacher</th><th colspan=6>LALP</th>")
        .append(
            "<th colspan=6>GALP</th><th rowspan=2>scored</th><th rowspan=2>errors</th></tr><tr>");
    for (int i = 0; i < 2; i++) {
      h.append(
          "<th>rank</th><th>mean</th><th>95% interval</th><th>wins</th><th>P(1st)</th><th>balanced</th>");
    }
    h.append("</tr></thead><tbody>");
    for (TeacherSummary t : teachers) {
      boolean differ =
          t.of(Metric.LALP).rank() != null
              && !t.of(Metric.LALP).rank().equals(t.of(Metric.GALP).rank());
      h.append("<tr><td class=\"name\">").append(esc(t.teacher())).append("</td>");
      for (TeacherSummary.MetricStatistics s : List.of(t.of(Metric.LALP), t.of(Metric.GALP))) {
        h.append("<td class=\"rank")
            .append(differ ? " differ" : "")
            .append("\">")
            .append(rank(s.rank()))
            .append("</td><td>")
            .append(num(s.mean()))
            .append("</td><td>[")
            .append(num(s.ciLow()))
            .append(", ")
            .append(num(s.ciHigh()))
            .append("]</td><td>")
            .append(pct(s.winRate()))
            .append("</td><td>")
            .append(pct(s.topProbability()))
            .append("</td><td>")
            .append(num(s.balancedMean()))
            .append(s.balancedRank() == null ? "" : " " + rank(s.balancedRank()))
            .append("</td>");
      }
      h.append("<td>")
          .append(t.scored())
          .append("</td><td>")
          .append(t.errors())
          .append("</td></tr>");
    }
    h.append("</tbody></table></section>\n");
  }

  /**
   * Likelihood scores favour a student's own model family: when the top teacher shares it, say so
   * before anyone reads the ranking as the teachers' merit.
   */
  static void familyWarning(StringBuilder h, String student, List<TeacherSummary> teachers) {
    if (!teachers.isEmpty() && Boolean.TRUE.equals(teachers.get(0).sameFamily())) {
      h.append("<p class=\"warning\">The top teacher, ")
          .append(esc(teachers.get(0).teacher()))
          .append(", is of student ")
          .append(esc(student))
          .append("'s own family (")
          .append(esc(teachers.get(0).family()))
          .append("). Likelihood scores favour a student's own family: check its lead against")
          .append(" the other teachers' before reading it as the better teacher.</p>");
    }
  }

  static void studentMatrix(StringBuilder h, List<TeacherSummary> teachers, List<String> students) {
    Map<String, Map<String, TeacherSummary>> cells = new LinkedHashMap<>();
    for (TeacherSummary t : teachers) {
      cells.computeIfAbsent(t.teacher(), k -> new LinkedHashMap<>()).put(t.student(), t);
    }
    h.append(
            "<section id=\"students\"><h2>Teacher x student</h2><p>Mean LALP and rank of each teacher under each ")
        .append(
            "student: different students can benefit from different teachers.</p><table><thead><tr><th>teacher</th>");
    for (String s : students) {
      h.append("<th>").append(esc(s)).append("</th>");
    }
    h.append("</tr></thead><tbody>");
    cells.forEach(
        (teacher, row) -> {
          h.append("<tr><td class=\"name\">").append(esc(teacher)).append("</td>");
          for (String s : students) {
            TeacherSummary t = row.get(s);
            h.append("<td>")
                .append(
                    t == null
                        ? "&ndash;"
                        : num(t.of(Metric.LALP).mean()) + " " + rank(t.of(Metric.LALP).rank()))
                .append("</td>");
          }
          h.append("</tr>");
        });
    h.append("</tbody></table></section>\n");
  }

  static void windowTable(
      StringBuilder h,
      String student,
      List<TeacherSummary> teachers,
      List<String> windows,
      boolean several) {
    h.append("<section id=\"windows")
        .append(several ? "-" + esc(student) : "")
        .append("\"><h2>Teacher order across windows")
        .append(several ? " &middot; student " + esc(student) : "")
        .append("</h2><p>Mean LALP and rank under each window; the ")
        .append(
            "first ranks the leaderboard. Small windows tend to order teachers as the paper found; large ones drift toward ")
        .append("GALP.</p><table><thead><tr><th>teacher</th>");
    for (String w : windows) {
      h.append("<th>").append(esc(w)).append("</th>");
    }
    h.append("<th>GALP</th></tr></thead><tbody>");
    for (TeacherSummary t : teachers) {
      h.append("<tr><td class=\"name\">").append(esc(t.teacher())).append("</td>");
      Integer first =
          t.lalpRankByWindow() == null ? null : t.lalpRankByWindow().get(windows.get(0));
      for (String w : windows) {
        Integer r = t.lalpRankByWindow() == null ? null : t.lalpRankByWindow().get(w);
        boolean moved = r != null && !r.equals(first);
        h.append("<td class=\"rank")
            .append(moved ? " differ" : "")
            .append("\">")
            .append(num(t.lalpMeanByWindow() == null ? null : t.lalpMeanByWindow().get(w)))
            .append(" ")
            .append(rank(r))
            .append("</td>");
      }
      h.append("<td>")
          .append(num(t.of(Metric.GALP).mean()))
          .append(" ")
          .append(rank(t.of(Metric.GALP).rank()))
          .append("</td></tr>");
    }
    h.append("</tbody></table></section>\n");
  }

  static void rewarding(
      StringBuilder h, ReportData d, Map<String, List<TeacherSummary>> byStudent) {
    h.append(
            "<section id=\"rewarding\"><h2>What the scores reward</h2><p>A ranking that follows length, or rewards ")
        .append(
            "steps that repeat their own window, may not be picking better teachers. Correlations are Pearson's over a ")
        .append(
            "teacher's scored responses; a repeated step has half or more of its word 4-grams in its window.</p>");
    for (RunSummary.Lengths l : d.summary().lengths()) {
      h.append("<p>Over all of student ").append(esc(l.student())).append("'s scored responses: ");
      String sep = "";
      for (Metric m : Metric.values()) {
        h.append(sep)
            .append(m.name())
            .append(" vs length ")
            .append(corr(l.length().get(m.key())))
            .append(", vs mean step length ")
            .append(corr(l.stepLength().get(m.key())));
        sep = "; ";
      }
      h.append(".</p>");
    }
    byStudent.forEach((student, teachers) -> traits(h, student, teachers, byStudent.size() > 1));
    h.append("</section>\n");
  }

  /** One student's teachers: lengths, their correlations with each metric, repetition. */
  private static void traits(
      StringBuilder h, String student, List<TeacherSummary> teachers, boolean several) {
    h.append("<table><thead><tr><th>teacher")
        .append(several ? " (" + esc(student) + ")" : "")
        .append("</th><th>mean chars</th><th>mean step chars</th>");
    for (Metric m : Metric.values()) {
      h.append("<th>")
          .append(m.name())
          .append("~length</th><th>")
          .append(m.name())
          .append("~step length</th>");
    }
    h.append("<th>repeated steps</th><th>LALP without them</th>")
        .append("<th>LALP without first tokens</th><th>LALP</th></tr></thead><tbody>");
    for (TeacherSummary t : teachers) {
      traitsRow(h, t);
    }
    h.append("</tbody></table>");
  }

  private static void traitsRow(StringBuilder h, TeacherSummary t) {
    TeacherSummary.Traits x = t.traits();
    h.append("<tr><td class=\"name\">")
        .append(esc(t.teacher()))
        .append("</td><td>")
        .append(whole(x.meanChars()))
        .append("</td><td>")
        .append(whole(x.meanStepChars()))
        .append("</td>");
    for (Metric m : Metric.values()) {
      h.append("<td>")
          .append(corr(x.lengthCorrelation().get(m)))
          .append("</td><td>")
          .append(corr(x.stepLengthCorrelation().get(m)))
          .append("</td>");
    }
    h.append("<td>")
        .append(pct(x.repeatedStepShare()))
        .append("</td><td>")
        .append(num(x.lalpNoRepeatsMean()))
        .append("</td><td>")
        .append(num(x.lalpDropFirstMean()))
        .append("</td><td>")
        .append(num(t.of(Metric.LALP).mean()))
        .append("</td></tr>");
  }
}
