package dev.naturalness.report;

import static dev.naturalness.report.Html.esc;

import dev.naturalness.stats.LabelledSelection.Share;
import java.util.List;
import java.util.Locale;

/**
 * How good the selection is against the corpus's correctness labels, as the console prints it and
 * as the report shows it (one table of choosers per student, and the teachers' own rates beside the
 * picks they won). Nothing is shown where the corpus has no labels.
 */
public final class LabelledSelectionSection {
  private LabelledSelectionSection() {}

  private static final String EXPLAINED =
      "over the prompts whose scored candidates are all labelled (at least two); each pick is"
          + " made without the labels (select.require aside), random is its exact expectation";

  /** The console's table, after the leaderboard; empty without labels. */
  public static String console(List<SelectionVsLabels> all) {
    StringBuilder out = new StringBuilder();
    for (SelectionVsLabels s : all) {
      out.append(
              String.format(
                  Locale.ROOT,
                  "%nAgainst the correct labels (student %s, %,d prompts, %,d candidates, pool %s"
                      + " correct):%n",
                  s.student(),
                  s.prompts(),
                  s.candidates(),
                  percent(s.pool())))
          .append(
              String.format(
                  Locale.ROOT,
                  "%-14s %8s  %-17s  %s%n",
                  "choosing by",
                  "correct",
                  "95% interval",
                  "against random (points)"));
      for (SelectionVsLabels.Choice c : s.choices()) {
        out.append(
            String.format(
                Locale.ROOT,
                "%-14s %8s  %-17s  %s%n",
                c.chooser(),
                percent(c.rate()),
                interval(c.rate(), 100, "%.1f%%"),
                c.chooser().equals("random") ? "" : points(c.vsRandom())));
      }
    }
    return out.toString();
  }

  /** The report's section; nothing without labels. */
  static void html(StringBuilder h, RunSummary s) {
    if (s.selectionVsLabels() == null || s.selectionVsLabels().isEmpty()) {
      return;
    }
    h.append("<section id=\"labels\"><h2>Selection against the correct labels</h2><p>How often")
        .append(" each way of choosing one response per prompt picks a correct one, ")
        .append(esc(EXPLAINED))
        .append(". Intervals are 95%, over prompts.</p>");
    for (SelectionVsLabels v : s.selectionVsLabels()) {
      h.append("<table class=\"board\"><thead><tr><th>student ")
          .append(esc(v.student()))
          .append(": choosing by</th><th>prompts</th><th>correct</th><th>95% interval</th>")
          .append("<th>against random (points)</th></tr></thead><tbody>");
      for (SelectionVsLabels.Choice c : v.choices()) {
        h.append("<tr><td class=\"name\">")
            .append(esc(c.chooser()))
            .append("</td><td>")
            .append(c.prompts())
            .append("</td><td>")
            .append(percent(c.rate()))
            .append("</td><td>")
            .append(interval(c.rate(), 100, "%.1f%%"))
            .append("</td><td>")
            .append(c.chooser().equals("random") ? "" : esc(points(c.vsRandom())))
            .append("</td></tr>");
      }
      h.append("<tr><td class=\"name\">every candidate (pool)</td><td>")
          .append(v.prompts())
          .append("</td><td>")
          .append(percent(v.pool()))
          .append("</td><td>")
          .append(interval(v.pool(), 100, "%.1f%%"))
          .append("</td><td></td></tr></tbody></table>");
      teachers(h, v);
    }
    h.append("</section>\n");
  }

  private static void teachers(StringBuilder h, SelectionVsLabels v) {
    h.append("<table><thead><tr><th>teacher</th><th>labelled responses</th><th>correct</th>")
        .append("<th>95% interval</th><th>LALP picks (correct)</th><th>GALP picks (correct)</th>")
        .append("</tr></thead><tbody>");
    int shown = 0;
    for (SelectionVsLabels.TeacherLabels t : v.teachers()) {
      if (shown++ == ReportHtml.TABLE_TEACHERS) {
        break;
      }
      h.append("<tr><td class=\"name\">")
          .append(esc(t.teacher()))
          .append("</td><td>")
          .append(t.responses())
          .append("</td><td>")
          .append(percent(t.correct()))
          .append("</td><td>")
          .append(interval(t.correct(), 100, "%.1f%%"))
          .append("</td><td>")
          .append(picks(t.picks().get("lalp")))
          .append("</td><td>")
          .append(picks(t.picks().get("galp")))
          .append("</td></tr>");
    }
    h.append("</tbody></table>");
  }

  private static String picks(SelectionVsLabels.Picks p) {
    return p == null ? "0" : p.picks() + " (" + p.correct() + ")";
  }

  private static String percent(Share s) {
    return s == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * s.value());
  }

  private static String interval(Share s, double scale, String format) {
    if (s == null || s.low() == null) {
      return "-";
    }
    return "["
        + String.format(Locale.ROOT, format, scale * s.low())
        + ", "
        + String.format(Locale.ROOT, format, scale * s.high())
        + "]";
  }

  private static String points(Share s) {
    if (s == null) {
      return "-";
    }
    String value = String.format(Locale.ROOT, "%+.1f", 100 * s.value());
    return s.low() == null ? value : value + " " + interval(s, 100, "%+.1f");
  }
}
