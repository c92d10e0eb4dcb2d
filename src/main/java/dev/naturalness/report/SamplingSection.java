package dev.naturalness.report;

import static dev.naturalness.report.Html.esc;
import static dev.naturalness.report.Html.pct;

import java.util.Locale;

/**
 * The report's section on sampled steps: each teacher's sampling error, the picks' certainty and,
 * with an exact check, how often picks of each certainty agree with exact.
 */
final class SamplingSection {
  private SamplingSection() {}

  /** With sampled steps: how much of each teacher's interval is sampling, not the teacher. */
  static void html(StringBuilder h, RunSummary s) {
    if (s.samplingError() == null || s.samplingError().isEmpty()) {
      return;
    }
    SamplingError first = s.samplingError().get(0);
    h.append("<section id=\"sampling\"><h2>Sampled steps</h2><p>LALP was estimated from ")
        .append(first.sampleSteps())
        .append(" sampled steps of longer responses (")
        .append(esc(first.estimator()))
        .append(" estimator). The standard error sampling adds to each teacher's mean LALP:")
        .append(" compare it with the gaps between teachers before trusting their order. Steps")
        .append(" covered: the share of the sampled responses' steps the GALP pass reached, where")
        .append(" its step means serve as a control; the rest are estimated from their own")
        .append(" draws. Each response's error pools its few draws with its teacher's per-step")
        .append(" variance. Teachers are listed by mean LALP; those of one tier lie within")
        .append(" sampling error of their neighbour (1.96 standard errors of the difference), and")
        .append(" this run does not order them.</p>")
        .append("<table><thead><tr><th>student</th><th>tier</th><th>teacher</th>")
        .append("<th>mean LALP</th><th>responses</th>")
        .append("<th>sampled</th><th>steps covered</th><th>standard error</th></tr></thead>")
        .append("<tbody>");
    int shown = 0;
    for (SamplingError e : s.samplingError()) {
      if (shown++ == ReportHtml.TABLE_TEACHERS) {
        break;
      }
      row(h, e);
    }
    h.append("</tbody></table>");
    for (RunSummary.Certainty c : s.selectionCertainty()) {
      h.append("<p>Student ")
          .append(esc(c.student()))
          .append(": of ")
          .append(c.prompts())
          .append(" prompts' first picks, ")
          .append(c.below90())
          .append(" are less than 90% and ")
          .append(c.below99())
          .append(" less than 99% likely to be the prompt's best under the sampled scores'")
          .append(" errors (mean ")
          .append(c.mean() == null ? "-" : pct(c.mean()))
          .append("; per row in selected/'s selection_certainty).</p>");
      ReliabilityDiagram.html(h, c);
    }
    h.append("</section>");
  }

  private static void row(StringBuilder h, SamplingError e) {
    h.append("<tr><td class=\"name\">")
        .append(esc(e.student()))
        .append("</td><td>")
        .append(e.tier() == null ? "-" : String.valueOf(e.tier()))
        .append("</td><td class=\"name\">")
        .append(esc(e.teacher()))
        .append("</td><td>")
        .append(Html.num(e.mean()))
        .append("</td><td>")
        .append(e.responses())
        .append("</td><td>")
        .append(e.sampled())
        .append("</td><td>")
        .append(e.coveredShare() == null ? "-" : pct(e.coveredShare()))
        .append("</td><td>")
        .append(
            e.standardError() == null ? "-" : String.format(Locale.ROOT, "%.4f", e.standardError()))
        .append("</td></tr>");
  }
}
