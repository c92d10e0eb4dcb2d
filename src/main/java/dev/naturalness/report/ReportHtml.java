package dev.naturalness.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: one self-contained page (inline CSS and SVG, no script, no network) with the teacher
 * leaderboard, score distributions per teacher, where LALP and GALP pick differently, the lowest
 * scoring steps of a few responses, and the run's numbers.
 */
public final class ReportHtml {
  /** Teachers drawn as charts; the table lists them all. */
  static final int CHART_TEACHERS = 12;

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
    Object student = d.summary().get("student");
    h.append("<h1>naturalness report</h1><p class=\"sub\">student <b>")
        .append(esc(student instanceof Map<?, ?> m ? String.valueOf(m.get("name")) : "?"))
        .append("</b> &middot; config ")
        .append(esc(String.valueOf(d.summary().get("config_hash"))))
        .append(" &middot; finished ")
        .append(esc(String.valueOf(d.summary().get("finished"))))
        .append("</p>\n");
    leaderboard(h, d);
    intervals(h, d);
    distributions(h, d);
    disagreements(h, d);
    worstSteps(h, d);
    runNumbers(h, d);
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void leaderboard(StringBuilder h, ReportData d) {
    h.append("<section id=\"leaderboard\"><h2>Teacher leaderboard</h2>")
        .append(
            "<p>Ranked by mean LALP (local naturalness). Intervals are bootstrap 95% over prompts; ")
        .append("wins are the share of a teacher's prompts where its response scores highest.</p>")
        .append(
            "<table class=\"board\"><thead><tr><th rowspan=2>teacher</th><th colspan=4>LALP</th><th colspan=4>GALP</th>")
        .append("<th rowspan=2>scored</th><th rowspan=2>errors</th></tr><tr>")
        .append(
            "<th>rank</th><th>mean</th><th>95% interval</th><th>wins</th><th>rank</th><th>mean</th><th>95% interval</th><th>wins</th></tr></thead><tbody>");
    for (Map<String, Object> t : d.teachers()) {
      boolean differ = t.get("lalp_rank") != null && !t.get("lalp_rank").equals(t.get("galp_rank"));
      h.append("<tr><td class=\"name\">")
          .append(esc(String.valueOf(t.get("teacher"))))
          .append("</td>");
      for (String m : new String[] {"lalp", "galp"}) {
        h.append("<td class=\"rank")
            .append(differ ? " differ" : "")
            .append("\">")
            .append(t.get(m + "_rank") == null ? "&ndash;" : "#" + t.get(m + "_rank"))
            .append("</td><td>")
            .append(num(t.get(m + "_mean")))
            .append("</td><td>[")
            .append(num(t.get(m + "_ci_low")))
            .append(", ")
            .append(num(t.get(m + "_ci_high")))
            .append("]</td><td>")
            .append(pct(t.get(m + "_win_rate")))
            .append("</td>");
      }
      h.append("<td>")
          .append(t.get("n_scored"))
          .append("</td><td>")
          .append(t.get("n_errors"))
          .append("</td></tr>");
    }
    h.append("</tbody></table></section>\n");
  }

  /** Means with their intervals, LALP and GALP side by side, on one axis each. */
  private static void intervals(StringBuilder h, ReportData d) {
    List<Map<String, Object>> shown =
        d.teachers().subList(0, Math.min(CHART_TEACHERS * 2, d.teachers().size()));
    h.append("<section id=\"intervals\"><h2>Means and 95% intervals</h2><div class=\"row\">");
    for (String m : new String[] {"lalp", "galp"}) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (Map<String, Object> t : shown) {
        if (t.get(m + "_ci_low") != null) {
          lo = Math.min(lo, (Double) t.get(m + "_ci_low"));
          hi = Math.max(hi, (Double) t.get(m + "_ci_high"));
        }
      }
      if (lo > hi) {
        continue;
      }
      double pad = Math.max((hi - lo) * 0.08, 1e-3);
      lo -= pad;
      hi += pad;
      int rowH = 22;
      int width = 520;
      int left = 170;
      int height = shown.size() * rowH + 40;
      h.append("<figure><figcaption>")
          .append(m.toUpperCase(Locale.ROOT))
          .append(" (nats per token)</figcaption>")
          .append("<svg class=\"chart\" role=\"img\" aria-label=\"")
          .append(m)
          .append(" intervals\" viewBox=\"0 0 ")
          .append(width)
          .append(' ')
          .append(height)
          .append("\" width=\"")
          .append(width)
          .append("\" height=\"")
          .append(height)
          .append("\">");
      axis(h, lo, hi, left, width - 30, shown.size() * rowH + 8);
      for (int i = 0; i < shown.size(); i++) {
        Map<String, Object> t = shown.get(i);
        int y = 14 + i * rowH;
        h.append("<text x=\"")
            .append(left - 6)
            .append("\" y=\"")
            .append(y + 4)
            .append("\" class=\"label\" text-anchor=\"end\">")
            .append(esc(shorten(String.valueOf(t.get("teacher")), 24)))
            .append("</text>");
        if (t.get(m + "_mean") == null) {
          continue;
        }
        double x0 = x((Double) t.get(m + "_ci_low"), lo, hi, left, width - 30);
        double x1 = x((Double) t.get(m + "_ci_high"), lo, hi, left, width - 30);
        double xm = x((Double) t.get(m + "_mean"), lo, hi, left, width - 30);
        String color = COLORS[i % COLORS.length];
        h.append(
                String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>",
                    x0,
                    x1,
                    y,
                    y,
                    color))
            .append(
                String.format(
                    Locale.ROOT,
                    "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"%s\"><title>%s %s</title></circle>",
                    xm,
                    y,
                    color,
                    esc(String.valueOf(t.get("teacher"))),
                    num(t.get(m + "_mean"))));
      }
      h.append("</svg></figure>");
    }
    h.append("</div></section>\n");
  }

  private static void distributions(StringBuilder h, ReportData d) {
    h.append("<section id=\"distributions\"><h2>Score distributions per teacher</h2>");
    List<Map<String, Object>> shown =
        d.teachers().subList(0, Math.min(CHART_TEACHERS, d.teachers().size()));
    if (d.teachers().size() > shown.size()) {
      h.append("<p>The first ")
          .append(shown.size())
          .append(" of ")
          .append(d.teachers().size())
          .append(" teachers by LALP rank.</p>");
    }
    h.append("<div class=\"row\">");
    for (Map.Entry<String, ReportData.Histogram> e : d.histograms().entrySet()) {
      ReportData.Histogram hist = e.getValue();
      int width = 520;
      int panel = 60;
      int left = 170;
      int height = shown.size() * panel + 30;
      h.append("<figure><figcaption>")
          .append(e.getKey().toUpperCase(Locale.ROOT))
          .append(" per response</figcaption>")
          .append("<svg class=\"chart\" role=\"img\" aria-label=\"")
          .append(e.getKey())
          .append(" distributions\" viewBox=\"0 0 ")
          .append(width)
          .append(' ')
          .append(height)
          .append("\" width=\"")
          .append(width)
          .append("\" height=\"")
          .append(height)
          .append("\">");
      axis(h, hist.low(), hist.high(), left, width - 30, shown.size() * panel + 4);
      double binW = (width - 30 - left) / (double) hist.bins();
      for (int i = 0; i < shown.size(); i++) {
        String teacher = String.valueOf(shown.get(i).get("teacher"));
        long[] counts = hist.counts().get(teacher);
        int base = (i + 1) * panel - 4;
        h.append("<text x=\"")
            .append(left - 6)
            .append("\" y=\"")
            .append(base - 20)
            .append("\" class=\"label\" text-anchor=\"end\">")
            .append(esc(shorten(teacher, 24)))
            .append("</text>");
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
    h.append("</div></section>\n");
  }

  private static void disagreements(StringBuilder h, ReportData d) {
    h.append("<section id=\"disagreements\"><h2>Where LALP and GALP pick differently</h2><p>On ")
        .append(d.disagreements())
        .append(" of ")
        .append(d.promptsCompared())
        .append(
            " prompts the response with the best LALP comes from another teacher than the one with the best GALP.</p>");
    if (!d.disagreementPairs().isEmpty()) {
      h.append(
          "<table><thead><tr><th>LALP picks</th><th>GALP picks</th><th>prompts</th></tr></thead><tbody>");
      for (Map<String, Object> p : d.disagreementPairs()) {
        h.append("<tr><td>")
            .append(esc(String.valueOf(p.get("lalp_teacher"))))
            .append("</td><td>")
            .append(esc(String.valueOf(p.get("galp_teacher"))))
            .append("</td><td>")
            .append(p.get("prompts"))
            .append("</td></tr>");
      }
      h.append("</tbody></table>");
    }
    if (!d.disagreementSample().isEmpty()) {
      h.append(
              "<details><summary>Some of those prompts</summary><table><thead><tr><th>prompt</th><th>LALP picks</th><th>its LALP</th>")
          .append("<th>GALP picks</th><th>its GALP</th></tr></thead><tbody>");
      for (Map<String, Object> p : d.disagreementSample()) {
        h.append("<tr><td>")
            .append(esc(String.valueOf(p.get("prompt_id"))))
            .append("</td><td>")
            .append(esc(String.valueOf(p.get("lalp_teacher"))))
            .append("</td><td>")
            .append(num(p.get("lalp")))
            .append("</td><td>")
            .append(esc(String.valueOf(p.get("galp_teacher"))))
            .append("</td><td>")
            .append(num(p.get("galp")))
            .append("</td></tr>");
      }
      h.append("</tbody></table></details>");
    }
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
      double lo = -8;
      for (int i = 0; i < r.steps().size(); i++) {
        String style = "";
        String badge = "";
        if (r.scores() != null) {
          double s = r.scores().get(i);
          double shade = Math.min(1, Math.max(0, s / lo));
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
            "<p class=\"note\">The steps could not be matched to their scores for this response.</p>");
      }
      h.append("</div>");
    }
    h.append("</section>\n");
  }

  @SuppressWarnings("unchecked")
  private static void runNumbers(StringBuilder h, ReportData d) {
    h.append("<section id=\"run\"><h2>The run</h2><table class=\"kv\"><tbody>");
    Map<String, Object> counts = (Map<String, Object>) d.summary().get("counts");
    if (counts != null) {
      for (Map.Entry<String, Object> e : counts.entrySet()) {
        if (e.getValue() instanceof Map<?, ?> byStatus) {
          StringBuilder s = new StringBuilder();
          byStatus.forEach(
              (k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(": ").append(v));
          h.append("<tr><th>rows by status</th><td>")
              .append(esc(s.toString()))
              .append("</td></tr>");
        } else {
          h.append("<tr><th>rows ")
              .append(esc(e.getKey()))
              .append("</th><td>")
              .append(e.getValue())
              .append("</td></tr>");
        }
      }
    }
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
      if (d.summary().containsKey(key)) {
        h.append("<tr><th>")
            .append(esc(key.replace('_', ' ')))
            .append("</th><td>")
            .append(esc(String.valueOf(d.summary().get(key))))
            .append("</td></tr>");
      }
    }
    h.append("</tbody></table><details><summary>Resolved config</summary><pre>")
        .append(esc(d.config()))
        .append("</pre></details></section>\n");
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

  static String num(Object v) {
    return v == null ? "&ndash;" : String.format(Locale.ROOT, "%.4f", ((Number) v).doubleValue());
  }

  static String pct(Object v) {
    return v == null
        ? "&ndash;"
        : String.format(Locale.ROOT, "%.1f%%", 100 * ((Number) v).doubleValue());
  }

  static String shorten(String s, int n) {
    return s == null ? "" : s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
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
