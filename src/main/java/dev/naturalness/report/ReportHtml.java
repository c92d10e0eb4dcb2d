package dev.naturalness.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.scoring.Metric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: one self-contained page (inline CSS and SVG, no script, no network) with the teacher
 * leaderboard per student, the teacher x student and teacher x window tables, score distributions,
 * what the scores may be rewarding (length, repetition, first tokens), the selection against the
 * best single teacher, where LALP and GALP pick differently, the least natural steps of a few
 * responses, the plan, what changed since the previous run, and the run's numbers.
 */
public final class ReportHtml {
  /** Teachers drawn as charts; the tables list them all. */
  static final int CHART_TEACHERS = 12;

  /**
   * Teachers a table shows per student (the best by the ranking metric); the rest are in teachers/.
   */
  static final int TABLE_TEACHERS = 200;

  private static final String[] COLORS = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939"
  };

  private ReportHtml() {}

  public static String render(ReportData d) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>naturalness report</title><style>")
        .append(CSS)
        .append("</style></head><body>\n");
    List<String> names = new ArrayList<>();
    for (RunSummary.Student s : d.summary().students()) {
      names.add(s.name());
    }
    h.append("<h1>naturalness report</h1><p class=\"sub\">student")
        .append(names.size() > 1 ? "s " : " ")
        .append("<b>")
        .append(esc(String.join(", ", names)))
        .append("</b> &middot; config ")
        .append(esc(d.summary().configHash()))
        .append(" &middot; finished ")
        .append(esc(d.summary().finished()))
        .append("</p>\n");
    Map<String, List<TeacherSummary>> byStudent = byStudent(d.teachers());
    byStudent.replaceAll((student, teachers) -> shownInTables(h, student, teachers));
    byStudent.forEach(
        (student, teachers) -> leaderboard(h, student, teachers, byStudent.size() > 1));
    if (byStudent.size() > 1) {
      studentMatrix(h, byStudent.values().stream().flatMap(List::stream).toList(), names);
    }
    if (d.windows().size() > 1) {
      byStudent.forEach(
          (student, teachers) ->
              windowTable(h, student, teachers, d.windows(), byStudent.size() > 1));
    }
    byStudent.forEach((student, teachers) -> intervals(h, student, teachers));
    distributions(h, d, byStudent);
    rewarding(h, d, byStudent);
    selection(h, d.summary());
    disagreements(h, d);
    worstSteps(h, d);
    plan(h, d.summary());
    sincePrevious(h, d.summary());
    runNumbers(h, d);
    h.append("</body></html>\n");
    return h.toString();
  }

  /**
   * The teachers the tables show: all of them, or the best {@value #TABLE_TEACHERS} with a note (a
   * page with a row per teacher of a column that holds a value per row would not open).
   */
  private static List<TeacherSummary> shownInTables(
      StringBuilder h, String student, List<TeacherSummary> teachers) {
    if (teachers.size() <= TABLE_TEACHERS) {
      return teachers;
    }
    h.append("<p class=\"note\">Student ")
        .append(esc(student))
        .append(" has ")
        .append(String.format(Locale.ROOT, "%,d", teachers.size()))
        .append(" teachers; the tables below show the best ")
        .append(TABLE_TEACHERS)
        .append(" by LALP, and teachers/ holds every one.</p>\n");
    return teachers.subList(0, TABLE_TEACHERS);
  }

  private static Map<String, List<TeacherSummary>> byStudent(List<TeacherSummary> teachers) {
    Map<String, List<TeacherSummary>> out = new LinkedHashMap<>();
    for (TeacherSummary t : teachers) {
      out.computeIfAbsent(t.student(), s -> new ArrayList<>()).add(t);
    }
    return out;
  }

  private static void leaderboard(
      StringBuilder h, String student, List<TeacherSummary> teachers, boolean several) {
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
      boolean differ = t.lalp().rank() != null && !t.lalp().rank().equals(t.galp().rank());
      h.append("<tr><td class=\"name\">").append(esc(t.teacher())).append("</td>");
      for (TeacherSummary.MetricStatistics s : List.of(t.lalp(), t.galp())) {
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

  private static void studentMatrix(
      StringBuilder h, List<TeacherSummary> teachers, List<String> students) {
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
                .append(t == null ? "&ndash;" : num(t.lalp().mean()) + " " + rank(t.lalp().rank()))
                .append("</td>");
          }
          h.append("</tr>");
        });
    h.append("</tbody></table></section>\n");
  }

  private static void windowTable(
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
          .append(num(t.galp().mean()))
          .append(" ")
          .append(rank(t.galp().rank()))
          .append("</td></tr>");
    }
    h.append("</tbody></table></section>\n");
  }

  /** Means with their intervals, LALP and GALP side by side, on one axis each. */
  private static void intervals(StringBuilder h, String student, List<TeacherSummary> teachers) {
    List<TeacherSummary> shown = teachers.subList(0, Math.min(CHART_TEACHERS * 2, teachers.size()));
    h.append("<section class=\"intervals\"><h2>Means and 95% intervals &middot; student ")
        .append(esc(student))
        .append("</h2><div class=\"row\">");
    for (Metric m : Metric.values()) {
      intervalChart(h, m, shown);
    }
    h.append("</div></section>\n");
  }

  /** One metric's means and intervals on one axis (nothing when no teacher has an interval). */
  private static void intervalChart(StringBuilder h, Metric m, List<TeacherSummary> shown) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (TeacherSummary t : shown) {
      TeacherSummary.MetricStatistics s = stats(t, m);
      if (s.ciLow() != null) {
        lo = Math.min(lo, s.ciLow());
        hi = Math.max(hi, s.ciHigh());
      }
    }
    if (lo > hi) {
      return;
    }
    double pad = Math.max((hi - lo) * 0.08, 1e-3);
    lo -= pad;
    hi += pad;
    int width = 520;
    int left = 170;
    int rowH = 24;
    int height = shown.size() * rowH + 40;
    h.append("<figure><figcaption>")
        .append(m.name())
        .append(" mean and interval</figcaption>")
        .append(svg(m.key() + " means", width, height));
    axis(h, lo, hi, left, width - 30, shown.size() * rowH + 8);
    for (int i = 0; i < shown.size(); i++) {
      TeacherSummary t = shown.get(i);
      TeacherSummary.MetricStatistics s = stats(t, m);
      int y = 14 + i * rowH;
      label(h, left - 6, y + 4, t.teacher());
      if (s.mean() == null || s.ciLow() == null) {
        continue;
      }
      String color = COLORS[i % COLORS.length];
      h.append(
              String.format(
                  Locale.ROOT,
                  "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>",
                  x(s.ciLow(), lo, hi, left, width - 30),
                  x(s.ciHigh(), lo, hi, left, width - 30),
                  y,
                  y,
                  color))
          .append(
              String.format(
                  Locale.ROOT,
                  "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"%s\"><title>%s %s</title></circle>",
                  x(s.mean(), lo, hi, left, width - 30),
                  y,
                  color,
                  esc(t.teacher()),
                  num(s.mean())));
    }
    h.append("</svg></figure>");
  }

  private static TeacherSummary.MetricStatistics stats(TeacherSummary t, Metric metric) {
    return metric == Metric.LALP ? t.lalp() : t.galp();
  }

  private static void distributions(
      StringBuilder h, ReportData d, Map<String, List<TeacherSummary>> byStudent) {
    h.append("<section id=\"distributions\"><h2>Score distributions per teacher</h2>");
    for (Map.Entry<String, Map<String, ReportData.Histogram>> student : d.histograms().entrySet()) {
      List<TeacherSummary> teachers = byStudent.getOrDefault(student.getKey(), List.of());
      List<TeacherSummary> shown = teachers.subList(0, Math.min(CHART_TEACHERS, teachers.size()));
      h.append("<p>Student ").append(esc(student.getKey()));
      if (teachers.size() > shown.size()) {
        h.append(": the first ")
            .append(shown.size())
            .append(" of ")
            .append(teachers.size())
            .append(" teachers by LALP rank");
      }
      h.append(".</p><div class=\"row\">");
      for (Map.Entry<String, ReportData.Histogram> e : student.getValue().entrySet()) {
        histogram(h, e.getKey(), e.getValue(), shown);
      }
      h.append("</div>");
    }
    h.append("</section>\n");
  }

  private static void histogram(
      StringBuilder h, String metric, ReportData.Histogram hist, List<TeacherSummary> shown) {
    int width = 520;
    int panel = 60;
    int left = 170;
    int height = shown.size() * panel + 30;
    h.append("<figure><figcaption>")
        .append(metric.toUpperCase(Locale.ROOT))
        .append(" per response</figcaption>")
        .append(svg(metric + " distributions", width, height));
    axis(h, hist.low(), hist.high(), left, width - 30, shown.size() * panel + 4);
    double binW = (width - 30 - left) / (double) hist.bins();
    for (int i = 0; i < shown.size(); i++) {
      String teacher = shown.get(i).teacher();
      long[] counts = hist.counts().get(teacher);
      int base = (i + 1) * panel - 4;
      label(h, left - 6, base - 20, teacher);
      if (counts == null) {
        continue;
      }
      long max = 1;
      for (long c : counts) {
        max = Math.max(max, c);
      }
      for (int b = 0; b < counts.length; b++) {
        double bh = (panel - 10) * counts[b] / (double) max;
        if (counts[b] > 0) {
          h.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%d</title></rect>",
                  left + b * binW,
                  base - bh,
                  Math.max(binW - 1, 0.5),
                  bh,
                  COLORS[i % COLORS.length],
                  counts[b]));
        }
      }
    }
    h.append("</svg></figure>");
  }

  private static void rewarding(
      StringBuilder h, ReportData d, Map<String, List<TeacherSummary>> byStudent) {
    h.append(
            "<section id=\"rewarding\"><h2>What the scores reward</h2><p>A ranking that follows length, or rewards ")
        .append(
            "steps that repeat their own window, may not be picking better teachers. Correlations are Pearson's over a ")
        .append(
            "teacher's scored responses; a repeated step has half or more of its word 4-grams in its window.</p>");
    for (RunSummary.Lengths l : d.summary().lengths()) {
      h.append("<p>Over all of student ")
          .append(esc(l.student()))
          .append("'s scored responses: LALP vs length ")
          .append(corr(l.lalpLength()))
          .append(", vs mean step length ")
          .append(corr(l.lalpStepLength()))
          .append("; GALP vs length ")
          .append(corr(l.galpLength()))
          .append(", vs mean step length ")
          .append(corr(l.galpStepLength()))
          .append(".</p>");
    }
    byStudent.forEach(
        (student, teachers) -> {
          h.append("<table><thead><tr><th>teacher")
              .append(byStudent.size() > 1 ? " (" + esc(student) + ")" : "")
              .append(
                  "</th><th>mean chars</th><th>mean step chars</th><th>LALP~length</th><th>LALP~step length</th>")
              .append(
                  "<th>GALP~length</th><th>GALP~step length</th><th>repeated steps</th><th>LALP without them</th>")
              .append("<th>LALP without first tokens</th><th>LALP</th></tr></thead><tbody>");
          for (TeacherSummary t : teachers) {
            TeacherSummary.Traits x = t.traits();
            h.append("<tr><td class=\"name\">")
                .append(esc(t.teacher()))
                .append("</td><td>")
                .append(whole(x.meanChars()))
                .append("</td><td>")
                .append(whole(x.meanStepChars()))
                .append("</td><td>")
                .append(corr(x.lalpLengthCorrelation()))
                .append("</td><td>")
                .append(corr(x.lalpStepLengthCorrelation()))
                .append("</td><td>")
                .append(corr(x.galpLengthCorrelation()))
                .append("</td><td>")
                .append(corr(x.galpStepLengthCorrelation()))
                .append("</td><td>")
                .append(pct(x.repeatedStepShare()))
                .append("</td><td>")
                .append(num(x.lalpNoRepeatsMean()))
                .append("</td><td>")
                .append(num(x.lalpDropFirstMean()))
                .append("</td><td>")
                .append(num(t.lalp().mean()))
                .append("</td></tr>");
          }
          h.append("</tbody></table>");
        });
    h.append("</section>\n");
  }

  private static void selection(StringBuilder h, RunSummary s) {
    h.append("<section id=\"selection\"><h2>The selection against the best single teacher</h2>");
    for (RunSummary.Composition c : s.selection()) {
      h.append("<p>Student ")
          .append(esc(c.student()))
          .append(": ")
          .append(c.prompts())
          .append(" prompts selected; ")
          .append(c.fromOtherTeachers())
          .append(" of them from teachers other than the top-ranked ")
          .append(esc(String.valueOf(c.topTeacher())))
          .append(", which alone has candidates on ")
          .append(c.topTeacherPrompts())
          .append(" prompts. Mean LALP of the selection ")
          .append(num(c.selectedMeanLalp()))
          .append(" against ")
          .append(num(c.topTeacherMeanLalp()))
          .append(" for the top teacher's candidates.</p><table><thead><tr>")
          .append("<th>teacher</th><th>selected</th><th>share</th></tr></thead><tbody>");
      c.byTeacher()
          .forEach(
              (teacher, n) ->
                  h.append("<tr><td class=\"name\">")
                      .append(esc(teacher))
                      .append("</td><td>")
                      .append(n)
                      .append("</td><td>")
                      .append(pct(c.prompts() == 0 ? null : (double) n / c.prompts()))
                      .append("</td></tr>"));
      h.append("</tbody></table>");
    }
    h.append("</section>\n");
  }

  private static void disagreements(StringBuilder h, ReportData d) {
    h.append("<section id=\"disagreements\"><h2>Where LALP and GALP pick differently</h2>");
    d.disagreements()
        .forEach(
            (student, dis) -> {
              h.append("<p>")
                  .append(
                      d.disagreements().size() > 1 ? "Student " + esc(student) + ": on " : "On ")
                  .append(dis.prompts())
                  .append(" of ")
                  .append(dis.compared())
                  .append(" prompts the response with the best LALP comes from another teacher ")
                  .append("than the one with the best GALP.</p>");
              if (!dis.pairs().isEmpty()) {
                h.append(
                    "<table><thead><tr><th>LALP picks</th><th>GALP picks</th><th>prompts</th></tr></thead><tbody>");
                for (ReportData.Pair p : dis.pairs()) {
                  h.append("<tr><td>")
                      .append(esc(p.lalpTeacher()))
                      .append("</td><td>")
                      .append(esc(p.galpTeacher()))
                      .append("</td><td>")
                      .append(p.prompts())
                      .append("</td></tr>");
                }
                h.append("</tbody></table>");
              }
              if (!dis.sample().isEmpty()) {
                h.append(
                        "<details><summary>Some of those prompts</summary><table><thead><tr><th>prompt</th><th>LALP picks</th>")
                    .append(
                        "<th>its LALP</th><th>GALP picks</th><th>its GALP</th></tr></thead><tbody>");
                for (ReportData.Example p : dis.sample()) {
                  h.append("<tr><td>")
                      .append(esc(p.promptId()))
                      .append("</td><td>")
                      .append(esc(p.lalpTeacher()))
                      .append("</td><td>")
                      .append(num(p.lalp()))
                      .append("</td><td>")
                      .append(esc(p.galpTeacher()))
                      .append("</td><td>")
                      .append(num(p.galp()))
                      .append("</td></tr>");
                }
                h.append("</tbody></table></details>");
              }
            });
    h.append("</section>\n");
  }

  private static void worstSteps(StringBuilder h, ReportData d) {
    h.append(
            "<section id=\"steps\"><h2>Least natural steps</h2><p>The lowest-LALP response of each of the top teachers, ")
        .append(
            "step by step; the darker a step, the lower its score, and the three lowest carry their score.</p>");
    for (ReportData.ResponseSteps r : d.worstSteps()) {
      h.append("<div class=\"response\"><div class=\"meta\"><b>")
          .append(esc(r.teacher()))
          .append("</b> &middot; prompt ")
          .append(esc(r.promptId()))
          .append(" &middot; LALP ")
          .append(num(r.lalp()))
          .append(d.summary().students().size() > 1 ? " &middot; student " + esc(r.student()) : "")
          .append("</div><div class=\"prompt\">")
          .append(esc(shorten(r.prompt(), 400)))
          .append("</div><div class=\"steps\">");
      List<Integer> worst = new ArrayList<>();
      if (r.scores() != null) {
        for (int i = 0; i < r.scores().size(); i++) {
          worst.add(i);
        }
        worst.sort(Comparator.comparing(i -> r.scores().get(i)));
        worst = worst.subList(0, Math.min(3, worst.size()));
      }
      for (int i = 0; i < r.steps().size(); i++) {
        String style = "";
        String badge = "";
        if (r.scores() != null) {
          double s = r.scores().get(i);
          double shade = Math.min(1, Math.max(0, s / -8.0));
          style =
              String.format(
                  Locale.ROOT,
                  " style=\"background: rgba(214, 39, 40, %.2f)\"",
                  0.08 + 0.5 * shade);
          if (worst.contains(i)) {
            badge = String.format(Locale.ROOT, "<span class=\"badge\">%.2f</span>", s);
          }
        }
        h.append("<span class=\"step\"")
            .append(style)
            .append(" title=\"step ")
            .append(i + 1)
            .append(
                r.scores() == null ? "" : String.format(Locale.ROOT, ": %.3f", r.scores().get(i)))
            .append("\">")
            .append(badge)
            .append(esc(shorten(r.steps().get(i), 600)))
            .append("</span>");
      }
      h.append("</div>");
      if (r.scores() == null) {
        h.append(
            "<p class=\"note\">This run did not keep step scores (output.step-scores = false).</p>");
      }
      h.append("</div>");
    }
    h.append("</section>\n");
  }

  private static void plan(StringBuilder h, RunSummary s) {
    if (s.plan() == null || s.plan().isEmpty()) {
      return;
    }
    h.append(
            "<section id=\"plan\"><h2>What the scoring cost</h2><table><thead><tr><th>student</th><th>rows planned</th>")
        .append(
            "<th>response tokens</th><th>GALP tokens</th><th>LALP tokens</th><th>LALP / GALP</th><th>model tokens</th>")
        .append(
            "<th>every step would be</th><th>sampled responses</th><th>per response p50 / p90 / max</th></tr></thead><tbody>");
    for (CostPlan p : s.plan()) {
      Map<String, Long> q = p.costPercentiles();
      h.append("<tr><td class=\"name\">")
          .append(esc(p.student()))
          .append("</td><td>")
          .append(p.rows())
          .append("</td><td>")
          .append(p.responseTokens())
          .append("</td><td>")
          .append(p.galpTokens())
          .append("</td><td>")
          .append(p.lalpTokens())
          .append("</td><td>")
          .append(
              p.lalpToGalp() == null
                  ? "&ndash;"
                  : String.format(Locale.ROOT, "%.2fx", p.lalpToGalp()))
          .append("</td><td>")
          .append(p.modelTokens())
          .append("</td><td>")
          .append(p.exactTokens())
          .append("</td><td>")
          .append(p.sampledResponses())
          .append("</td><td>")
          .append(q.get("p50"))
          .append(" / ")
          .append(q.get("p90"))
          .append(" / ")
          .append(q.get("max"))
          .append("</td></tr>");
    }
    h.append("</tbody></table>");
    for (CostPlan p : s.plan()) {
      if (p.exactTokens() > p.modelTokens()) {
        h.append(
            String.format(
                Locale.ROOT,
                "<p>Step sampling scored %d responses on a sample of their steps: %,d model tokens "
                    + "instead of %,d (%.0f%% saved); their LALP is an estimate, with its standard error in lalp_se.</p>",
                p.sampledResponses(),
                p.modelTokens(),
                p.exactTokens(),
                100.0 * (p.exactTokens() - p.modelTokens()) / p.exactTokens()));
      }
    }
    h.append("</section>\n");
  }

  private static void sincePrevious(StringBuilder h, RunSummary s) {
    if (s.sincePreviousSkipped() != null) {
      h.append("<section id=\"since\"><h2>What changed since the previous run</h2><p>")
          .append("Not compared with the previous run: ")
          .append(esc(s.sincePreviousSkipped()))
          .append(".</p></section>\n");
      return;
    }
    if (s.sincePrevious() == null || s.sincePrevious().isEmpty()) {
      return;
    }
    h.append("<section id=\"since\"><h2>What changed since the previous run</h2>");
    for (RunSummary.SincePrevious p : s.sincePrevious()) {
      h.append("<p>Student ")
          .append(esc(p.student()))
          .append(" against ")
          .append(esc(p.previous()))
          .append(": ")
          .append(p.promptsChanged())
          .append(" of ")
          .append(p.promptsCompared())
          .append(" prompts selected in both runs have another selected response; ")
          .append(p.promptsNew())
          .append(" prompts are new and ")
          .append(p.promptsGone())
          .append(" are gone.</p><table><thead><tr><th>teacher</th>")
          .append(
              "<th>selected, change</th><th>rank before</th><th>rank now</th></tr></thead><tbody>");
      java.util.Set<String> teachers = new java.util.TreeSet<>(p.selectedByTeacher().keySet());
      teachers.addAll(p.rankChanges().keySet());
      for (String t : teachers) {
        List<Integer> ranks = p.rankChanges().get(t);
        long delta = p.selectedByTeacher().getOrDefault(t, 0L);
        h.append("<tr><td class=\"name\">")
            .append(esc(t))
            .append("</td><td>")
            .append(delta > 0 ? "+" : "")
            .append(delta)
            .append("</td><td>")
            .append(ranks == null ? "&ndash;" : rank(ranks.get(0)))
            .append("</td><td>")
            .append(ranks == null ? "&ndash;" : rank(ranks.get(1)))
            .append("</td></tr>");
      }
      h.append("</tbody></table>");
    }
    h.append("</section>\n");
  }

  private static void runNumbers(StringBuilder h, ReportData d) {
    h.append("<section id=\"run\"><h2>The run</h2><table class=\"kv\"><tbody>");
    JsonNode tree = d.summary().toTree();
    JsonNode counts = tree.get("counts");
    counts
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isObject()) {
                StringBuilder s = new StringBuilder();
                e.getValue()
                    .fields()
                    .forEachRemaining(
                        f ->
                            s.append(s.length() == 0 ? "" : ", ")
                                .append(f.getKey())
                                .append(": ")
                                .append(f.getValue().asText()));
                h.append("<tr><th>rows by status</th><td>")
                    .append(esc(s.toString()))
                    .append("</td></tr>");
              } else {
                h.append("<tr><th>")
                    .append(esc(e.getKey().replace('_', ' ')))
                    .append("</th><td>")
                    .append(esc(e.getValue().asText()))
                    .append("</td></tr>");
              }
            });
    for (String key :
        new String[] {
          "tokens",
          "tokens_per_second",
          "stage_seconds",
          "wall_seconds",
          "partitions",
          "driver_memory_mb",
          "executor_memory_mb",
          "started"
        }) {
      if (tree.hasNonNull(key)) {
        h.append("<tr><th>")
            .append(esc(key.replace('_', ' ')))
            .append("</th><td>")
            .append(
                esc(
                    tree.get(key).isValueNode()
                        ? tree.get(key).asText()
                        : tree.get(key).toString()))
            .append("</td></tr>");
      }
    }
    h.append("</tbody></table><details><summary>Resolved config</summary><pre>")
        .append(esc(d.config()))
        .append("</pre></details></section>\n");
  }

  private static String svg(String label, int width, int height) {
    return "<svg class=\"chart\" role=\"img\" aria-label=\""
        + esc(label)
        + "\" viewBox=\"0 0 "
        + width
        + " "
        + height
        + "\" width=\""
        + width
        + "\" height=\""
        + height
        + "\">";
  }

  private static void label(StringBuilder h, int x, int y, String text) {
    h.append("<text x=\"")
        .append(x)
        .append("\" y=\"")
        .append(y)
        .append("\" class=\"label\" text-anchor=\"end\">")
        .append(esc(shorten(text, 24)))
        .append("</text>");
  }

  private static void axis(StringBuilder h, double lo, double hi, int left, int right, int y) {
    h.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#999\"/>",
            left,
            right,
            y,
            y));
    for (int i = 0; i <= 4; i++) {
      double v = lo + (hi - lo) * i / 4;
      double xv = x(v, lo, hi, left, right);
      h.append(
              String.format(
                  Locale.ROOT,
                  "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%d\" stroke=\"#eee\"/>",
                  xv,
                  xv,
                  y))
          .append(
              String.format(
                  Locale.ROOT,
                  "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%.2f</text>",
                  xv,
                  y + 14,
                  v));
    }
  }

  private static double x(double v, double lo, double hi, int left, int right) {
    return left + (right - left) * (v - lo) / (hi - lo);
  }

  static String num(Double v) {
    return v == null ? "&ndash;" : String.format(Locale.ROOT, "%.4f", v);
  }

  static String corr(Double v) {
    return v == null ? "&ndash;" : String.format(Locale.ROOT, "%+.2f", v);
  }

  static String whole(Double v) {
    return v == null ? "&ndash;" : String.format(Locale.ROOT, "%.0f", v);
  }

  static String pct(Double v) {
    return v == null ? "&ndash;" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  static String rank(Integer v) {
    return v == null ? "&ndash;" : "#" + v;
  }

  static String shorten(String s, int n) {
    return s == null ? "" : s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static final String CSS =
      String.join(
          "\n",
          "body{font-family:'Liberation Sans',Arial,sans-serif;margin:24px auto;max-width:1180px;color:#222;padding:0 16px}",
          "h1{margin-bottom:0}.sub{color:#666;margin-top:4px}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}",
          "table{border-collapse:collapse;font-size:14px;margin:8px 0}th,td{padding:4px 10px;border-bottom:1px solid #eee;text-align:right}",
          "td.name,th:first-child{text-align:left}.board thead th{background:#f6f6f6}.rank.differ{color:#d62728;font-weight:bold}",
          ".row{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0}figcaption{font-weight:bold;margin-bottom:4px}",
          ".label,.tick{font-size:11px;fill:#333}.chart{background:#fff}",
          ".response{border:1px solid #ddd;border-radius:6px;padding:10px;margin:12px 0}.meta{margin-bottom:6px}",
          ".prompt{color:#555;font-style:italic;margin-bottom:6px;white-space:pre-wrap}",
          ".steps{white-space:pre-wrap;font-family:'Liberation Mono',monospace;font-size:13px;line-height:1.6}",
          ".step{border-radius:3px}.badge{background:#d62728;color:#fff;border-radius:8px;padding:0 5px;margin-right:4px;font-size:11px}",
          ".kv th{text-align:left;color:#555}.kv td{text-align:left}pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px}",
          ".note{color:#999}");
}
