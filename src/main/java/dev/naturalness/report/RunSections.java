package dev.naturalness.report;

import static dev.naturalness.report.Html.esc;
import static dev.naturalness.report.Html.num;
import static dev.naturalness.report.Html.pct;
import static dev.naturalness.report.Html.rank;
import static dev.naturalness.report.Html.shorten;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The report's sections about the run: the selection, where LALP and GALP pick differently, the
 * least natural steps, the plan, what changed since the previous run, and the run's numbers.
 */
final class RunSections {
  private RunSections() {}

  /** What the run warned of, first on the page: it did not stop the run, but it matters. */
  static void warnings(StringBuilder h, RunSummary s) {
    if (s.warnings() == null || s.warnings().isEmpty()) {
      return;
    }
    h.append("<section id=\"warnings\"><h2>Warnings</h2><ul>");
    for (String w : s.warnings()) {
      h.append("<li>").append(esc(w)).append("</li>");
    }
    h.append("</ul></section>\n");
  }

  /** The checks before selection: how many rows fail each, and the funnel to the selection. */
  static void funnel(StringBuilder h, RunSummary s) {
    if (s.funnel() == null || s.funnel().isEmpty()) {
      return;
    }
    h.append("<section id=\"funnel\"><h2>Checks before selection</h2><p>Scored rows that fail")
        .append(" each check (counted whether select.require asks for it or not), and the rows")
        .append(" left after each check it asks for.</p>");
    for (RunSummary.Funnel f : s.funnel()) {
      h.append("<table><thead><tr><th>student ")
          .append(esc(f.student()))
          .append("</th><th>rows</th></tr></thead><tbody><tr><td class=\"name\">read</td><td>")
          .append(f.rows())
          .append("</td></tr>");
      f.flagged()
          .forEach(
              (flag, n) ->
                  h.append("<tr><td class=\"name\">flagged ")
                      .append(esc(flag))
                      .append("</td><td>")
                      .append(n)
                      .append("</td></tr>"));
      f.steps()
          .forEach(
              (step, n) ->
                  h.append("<tr><td class=\"name\">")
                      .append(esc(step))
                      .append("</td><td>")
                      .append(n)
                      .append("</td></tr>"));
      h.append("<tr><td class=\"name\">selected</td><td>")
          .append(f.selected())
          .append("</td></tr></tbody></table>");
    }
    for (RunSummary.Export e : s.exports()) {
      if (e.notWritten() != null) {
        h.append("<p>Export ")
            .append(esc(e.format()))
            .append(": ")
            .append(esc(e.notWritten()))
            .append(".</p>");
        continue;
      }
      h.append("<p>Exported as ")
          .append(esc(e.format()))
          .append(": ")
          .append(e.rows())
          .append(" rows in ")
          .append(esc(e.path()))
          .append(" (by split: ")
          .append(esc(String.valueOf(e.rowsBySplit())))
          .append(
              e.leftOut().isEmpty()
                  ? ""
                  : "; left out, as the format cannot hold their prompts: "
                      + esc(String.valueOf(e.leftOut())))
          .append(").</p>");
    }
    h.append("</section>\n");
  }

  static void selection(StringBuilder h, RunSummary s) {
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

  static void disagreements(StringBuilder h, ReportData d) {
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

  static void worstSteps(StringBuilder h, ReportData d) {
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

  static void plan(StringBuilder h, RunSummary s) {
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

  static void sincePrevious(StringBuilder h, RunSummary s) {
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
      Set<String> teachers = new TreeSet<>(p.selectedByTeacher().keySet());
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

  static void runNumbers(StringBuilder h, ReportData d) {
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
}
