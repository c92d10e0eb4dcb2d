package dev.naturalness.report;

import static dev.naturalness.report.Html.esc;
import static dev.naturalness.report.Html.pct;

import java.util.Locale;

/**
 * The exact check's reliability diagram: per bin of certainty, the share of checked prompts whose
 * sampled pick is exact's against the bin's mean certainty, a point per bin on the diagonal of a
 * certainty that means what it says, and the same figures as a table.
 */
final class ReliabilityDiagram {
  private static final int SIZE = 240;
  private static final int MARGIN = 36;

  private ReliabilityDiagram() {}

  static void html(StringBuilder h, RunSummary.Certainty c) {
    RunSummary.ExactCheck check = c.exactCheck();
    if (check == null || check.prompts() == 0) {
      return;
    }
    h.append("<h3>Exact check of student ")
        .append(esc(c.student()))
        .append("</h3><p>")
        .append(check.prompts())
        .append(" prompts were scored exactly as well: the sampled pick is exact's for ")
        .append(pct(check.agreement()))
        .append(" of them, against a mean certainty of ")
        .append(pct(check.certainty()))
        .append(". The sampled scores' errors, in standard errors, fit ")
        .append(esc(check.errors()))
        .append(" (the certainty weighs them so).</p>");
    diagram(h, c.student(), check);
    table(h, check);
  }

  private static void diagram(StringBuilder h, String student, RunSummary.ExactCheck check) {
    int side = SIZE + 2 * MARGIN;
    h.append(Html.svg("reliability diagram of student " + student, side, side));
    int lo = MARGIN + SIZE;
    h.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#bbb\""
                + " stroke-dasharray=\"4 3\"/>"
                + "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">certainty</text>"
                + "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 %d %d)\">agrees with exact</text>",
            MARGIN,
            MARGIN,
            SIZE,
            SIZE,
            MARGIN,
            lo,
            lo,
            MARGIN,
            MARGIN + SIZE / 2,
            lo + 24,
            MARGIN - 14,
            MARGIN + SIZE / 2,
            MARGIN - 14,
            MARGIN + SIZE / 2));
    for (RunSummary.Bin b : check.bins()) {
      double r = 3 + 9 * Math.sqrt((double) b.prompts() / check.prompts());
      h.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"><title>certainty"
                  + " %.2f-%.2f: %d prompts, mean certainty %.3f, agree %.3f</title></circle>",
              MARGIN + SIZE * b.certainty(),
              lo - SIZE * b.agreement(),
              r,
              Html.COLORS[0],
              b.from(),
              b.to(),
              b.prompts(),
              b.certainty(),
              b.agreement()));
    }
    h.append("</svg>");
  }

  private static void table(StringBuilder h, RunSummary.ExactCheck check) {
    h.append("<table><thead><tr><th>certainty</th><th>prompts</th>")
        .append("<th>mean certainty</th><th>agree with exact</th></tr></thead><tbody>");
    for (RunSummary.Bin b : check.bins()) {
      h.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%.1f-%.1f</td><td>%d</td><td>%.3f</td><td>%.3f</td></tr>",
              b.from(),
              b.to(),
              b.prompts(),
              b.certainty(),
              b.agreement()));
    }
    h.append("</tbody></table>");
  }
}
