package dev.naturalness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page stays readable and small however many teachers and rows a run has. */
class ReportHtmlTest {

  static ReportData fiftyTeachers() {
    List<Map<String, Object>> teachers = new ArrayList<>();
    Map<String, long[]> counts = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("teacher", "teacher-<" + i + ">");
      t.put("n_scored", 20_000L);
      t.put("n_errors", 3L);
      for (String m : new String[] {"lalp", "galp"}) {
        t.put(m + "_rank", i + 1);
        t.put(m + "_mean", -1.0 - i / 10.0);
        t.put(m + "_ci_low", -1.05 - i / 10.0);
        t.put(m + "_ci_high", -0.95 - i / 10.0);
        t.put(m + "_win_rate", 1.0 / 50);
      }
      teachers.add(t);
      long[] c = new long[30];
      c[i % 30] = 1_000_000;
      counts.put("teacher-<" + i + ">", c);
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("counts", Map.of("read", 1_000_000L, "scored", 999_850L));
    summary.put("student", Map.of("name", "s"));
    return new ReportData(
        summary,
        "{}",
        teachers,
        Map.of("lalp", new ReportData.Histogram(-6, -1, 30, counts)),
        20_000,
        1_234,
        List.of(Map.of("lalp_teacher", "a", "galp_teacher", "b", "prompts", 1_234L)),
        List.of(
            Map.of(
                "prompt_id",
                "p1",
                "lalp_teacher",
                "a",
                "lalp",
                -1.0,
                "galp_teacher",
                "b",
                "galp",
                -2.0)),
        List.of(
            new ReportData.ResponseSteps(
                "teacher-<0>",
                "p1",
                "r1",
                -2.5,
                "What is <b>2+2</b>?",
                List.of("2 + 2 = 4.\n\n", "The answer is 4."),
                List.of(-1.0f, -4.0f))));
  }

  @Test
  void fiftyTeachersAndAMillionRowsMakeASmallSelfContainedPage() {
    String html = ReportHtml.render(fiftyTeachers());
    assertTrue(html.length() < 200_000, "page of " + html.length() + " chars");
    assertFalse(
        html.contains("<script") || html.contains("http://") || html.contains("https://"),
        "no script, no network");
    assertEquals(
        50, html.split("<td class=\"name\">", -1).length - 1, "every teacher in the table");
    assertTrue(html.contains("The first 12 of 50 teachers by LALP rank."));
    assertTrue(html.contains("On 1234 of 20000 prompts"));
  }

  @Test
  void textFromTheDataIsEscaped() {
    String html = ReportHtml.render(fiftyTeachers());
    assertTrue(html.contains("teacher-&lt;0&gt;"));
    assertTrue(html.contains("What is &lt;b&gt;2+2&lt;/b&gt;?"));
    assertFalse(html.contains("<b>2+2</b>"));
  }
}
