package dev.naturalness.report;

import dev.naturalness.data.ShownText;
import java.util.Locale;

/**
 * Small pieces of the report page: escaping, number formats, and the SVG frame, labels and axes of
 * its charts.
 */
final class Html {
  private Html() {}

  static final String[] COLORS = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939"
  };

  static String svg(String label, int width, int height) {
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

  static void label(StringBuilder h, int x, int y, String text) {
    h.append("<text x=\"")
        .append(x)
        .append("\" y=\"")
        .append(y)
        .append("\" class=\"label\" text-anchor=\"end\">")
        .append(esc(shorten(text, 24)))
        .append("</text>");
  }

  static void axis(StringBuilder h, double lo, double hi, int left, int right, int y) {
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

  static double x(double v, double lo, double hi, int left, int right) {
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
    for (char c : ShownText.visible(s).toCharArray()) {
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
}
