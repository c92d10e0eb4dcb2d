package dev.naturalness.report;

import static dev.naturalness.report.Html.COLORS;
import static dev.naturalness.report.Html.axis;
import static dev.naturalness.report.Html.esc;
import static dev.naturalness.report.Html.label;
import static dev.naturalness.report.Html.num;
import static dev.naturalness.report.Html.svg;
import static dev.naturalness.report.Html.x;

import dev.naturalness.data.Metric;
import dev.naturalness.data.TeacherSummary;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's charts: each metric's means and intervals, and the score distributions per teacher.
 */
final class ChartSections {
  /** Teachers drawn as charts; the tables list them all. */
  static final int CHART_TEACHERS = 12;

  private ChartSections() {}

  /** Means with their intervals, LALP and GALP side by side, on one axis each. */
  static void intervals(StringBuilder h, String student, List<TeacherSummary> teachers) {
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
  static void intervalChart(StringBuilder h, Metric m, List<TeacherSummary> shown) {
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

  static TeacherSummary.MetricStatistics stats(TeacherSummary t, Metric metric) {
    return t.of(metric);
  }

  static void distributions(
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

  static void histogram(
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
      bars(h, counts, left, binW, base, panel - 10, COLORS[i % COLORS.length]);
    }
    h.append("</svg></figure>");
  }

  /** One teacher's bars, the tallest {@code tallest} high, standing on {@code base}. */
  private static void bars(
      StringBuilder h, long[] counts, int left, double binW, int base, int tallest, String color) {
    long max = 1;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    for (int b = 0; b < counts.length; b++) {
      double bh = tallest * counts[b] / (double) max;
      if (counts[b] > 0) {
        h.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%d</title></rect>",
                left + b * binW,
                base - bh,
                Math.max(binW - 1, 0.5),
                bh,
                color,
                counts[b]));
      }
    }
  }
}
