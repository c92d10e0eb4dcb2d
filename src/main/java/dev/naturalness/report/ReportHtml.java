package dev.naturalness.report;

import static dev.naturalness.report.Html.esc;

import dev.naturalness.data.TeacherSummary;
import java.util.ArrayList;
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
  /**
   * Teachers a table shows per student (the best by the ranking metric); the rest are in teachers/.
   */
  static final int TABLE_TEACHERS = 200;

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
    RunSections.warnings(h, d.summary());
    Map<String, List<TeacherSummary>> byStudent = byStudent(d.teachers());
    byStudent.replaceAll((student, teachers) -> shownInTables(h, student, teachers));
    byStudent.forEach(
        (student, teachers) ->
            TeacherSections.leaderboard(h, student, teachers, byStudent.size() > 1));
    if (byStudent.size() > 1) {
      TeacherSections.studentMatrix(
          h, byStudent.values().stream().flatMap(List::stream).toList(), names);
    }
    if (d.windows().size() > 1) {
      byStudent.forEach(
          (student, teachers) ->
              TeacherSections.windowTable(h, student, teachers, d.windows(), byStudent.size() > 1));
    }
    byStudent.forEach((student, teachers) -> ChartSections.intervals(h, student, teachers));
    SamplingSection.html(h, d.summary());
    ChartSections.distributions(h, d, byStudent);
    TeacherSections.rewarding(h, d, byStudent);
    RunSections.funnel(h, d.summary());
    RunSections.selection(h, d.summary());
    LabelledSelectionSection.html(h, d.summary());
    RunSections.disagreements(h, d);
    RunSections.worstSteps(h, d);
    RunSections.plan(h, d.summary());
    RunSections.sincePrevious(h, d.summary());
    RunSections.runNumbers(h, d);
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
          ".note{color:#999}.warning{background:#fff3cd;border:1px solid #e0c36c;padding:6px 10px}");
}
