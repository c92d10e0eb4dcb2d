package dev.naturalness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.data.Metric;
import dev.naturalness.data.TeacherSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page stays readable and small however many teachers and rows a run has. */
class ReportHtmlTest {

  static TeacherSummary teacher(String student, String name, int rank) {
    TeacherSummary.MetricStatistics s =
        new TeacherSummary.MetricStatistics(
            rank,
            -1.0 - rank / 10.0,
            -1.0 - rank / 10.0,
            -1.05 - rank / 10.0,
            -0.95 - rank / 10.0,
            1.0 / 50,
            20_000,
            -1.0 - rank / 10.0,
            rank,
            rank == 1 ? 0.9 : 0.002);
    return new TeacherSummary(
        student,
        name,
        20_003,
        20_000,
        3,
        Map.of(Metric.LALP, s, Metric.GALP, s),
        Map.of("fraction=0.25", -1.0 - rank / 10.0),
        Map.of("fraction=0.25", rank),
        new TeacherSummary.Traits(
            800.0,
            120.0,
            Map.of(Metric.LALP, 0.1, Metric.GALP, 0.3),
            Map.of(Metric.LALP, -0.2, Metric.GALP, 0.4),
            0.05,
            -1.0,
            -0.9),
        null,
        null);
  }

  static RunSummary summary(List<String> students) {
    List<RunSummary.Student> list = new ArrayList<>();
    for (String s : students) {
      list.add(new RunSummary.Student(s, "/models/" + s, "abc", 2048, "hash-" + s));
    }
    return new RunSummary.Builder()
        .counts(
            new RunSummary.Counts(
                1_000_000,
                1_000_000,
                999_850,
                150,
                250_000,
                Map.of("ok", 999_850L),
                999_850,
                0,
                0,
                0,
                0))
        .stageSeconds(new LinkedHashMap<>(Map.of("read", 1.0)))
        .tokens(new RunSummary.Tokens(1, 2))
        .tokensPerSecond(3)
        .students(list)
        .configHash("hash")
        .partitions(4)
        .started("start")
        .finished("end")
        .wallSeconds(5.0)
        .build();
  }

  static ReportData fiftyTeachers() {
    List<TeacherSummary> teachers = new ArrayList<>();
    Map<String, long[]> counts = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      teachers.add(teacher("s", "teacher-<" + i + ">", i + 1));
      long[] c = new long[30];
      c[i % 30] = 1_000_000;
      counts.put("teacher-<" + i + ">", c);
    }
    return new ReportData(
        summary(List.of("s")),
        "{}",
        teachers,
        List.of("fraction=0.25"),
        Map.of("s", Map.of("lalp", new ReportData.Histogram(-6, -1, 30, counts))),
        Map.of(
            "s",
            new ReportData.Disagreements(
                20_000,
                1_234,
                List.of(new ReportData.Pair("a", "b", 1_234)),
                List.of(new ReportData.Example("p1", "a", -1.0, "b", -2.0)))),
        List.of(
            new ReportData.ResponseSteps(
                "s",
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
    assertTrue(html.length() < 250_000, "page of " + html.length() + " chars");
    assertFalse(
        html.contains("<script") || html.contains("http://") || html.contains("https://"),
        "no script, no network");
    // The leaderboard and the table of what the scores reward list every teacher.
    assertEquals(
        100, html.split("<td class=\"name\">", -1).length - 1, "every teacher in both tables");
    assertTrue(html.contains("the first 12 of 50 teachers by LALP rank"));
    assertTrue(html.contains("On 1234 of 20000 prompts"));
  }

  @Test
  void textFromTheDataIsEscaped() {
    String html = ReportHtml.render(fiftyTeachers());
    assertTrue(html.contains("teacher-&lt;0&gt;"));
    assertTrue(html.contains("What is &lt;b&gt;2+2&lt;/b&gt;?"));
    assertFalse(html.contains("<b>2+2</b>"));
  }

  @Test
  void severalStudentsGetTheTeacherByStudentMatrix() {
    List<TeacherSummary> teachers =
        List.of(
            teacher("small", "a", 1),
            teacher("small", "b", 2),
            teacher("large", "a", 2),
            teacher("large", "b", 1));
    ReportData d =
        new ReportData(
            summary(List.of("small", "large")),
            "{}",
            teachers,
            List.of("fraction=0.25"),
            Map.of(),
            Map.of(),
            List.of());
    String html = ReportHtml.render(d);
    assertTrue(html.contains("<h2>Teacher x student</h2>"), html);
    assertTrue(html.contains("Teacher leaderboard &middot; student small"));
    assertTrue(html.contains("Teacher leaderboard &middot; student large"));
  }

  @Test
  void aStudentWithThousandsOfTeachersShowsTheBestInItsTablesAndSaysWhereTheRestAre() {
    List<TeacherSummary> teachers = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      teachers.add(teacher("s", "t" + i, i + 1));
    }
    ReportData d =
        new ReportData(
            summary(List.of("s")),
            "{}",
            teachers,
            List.of("fraction=0.25"),
            Map.of(),
            Map.of(),
            List.of());
    String html = ReportHtml.render(d);
    assertTrue(html.contains("has 5,000 teachers; the tables below show the best 200"), "note");
    assertEquals(
        400, html.split("<td class=\"name\">", -1).length - 1, "200 in each of the two tables");
    assertFalse(html.contains(">t200<"), "the 201st is not drawn");
    assertTrue(html.length() < 400_000, "page of " + html.length() + " chars");
  }
}
