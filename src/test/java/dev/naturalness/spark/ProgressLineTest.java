package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import dev.naturalness.TestStudents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line of a run with several students: it names the student that is scoring and its
 * place, and counts the run's tokens over every student's plan, so the run's total and ETA are the
 * whole run's, not the first student's.
 */
@Slow
class ProgressLineTest {
  @TempDir Path tmp;

  @Test
  void withTwoStudentsTheLineNamesTheStudentAndCountsTheWholeRun() throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.demoSlice(120));
    Path second = TestStudents.demoCopy(tmp, "second-student", "");
    Processes.Outcome o =
        Processes.java(
                "2g",
                NaturalnessJob.class,
                JobArgs.none()
                    .set("input.path", input)
                    .set("output.path", tmp.resolve("run"))
                    .set(
                        "student.path",
                        "[\"" + DemoStudent.DIR.toAbsolutePath() + "\", \"" + second + "\"]")
                    .set("spark.default-master", "local[2]")
                    .set("progress.interval-seconds", 0.2)
                    .set("teachers.bootstrap-samples", 50)
                    .toArray())
            .run(Duration.ofMinutes(4));
    assertEquals(0, o.exit(), o.output());
    Matcher m =
        Pattern.compile(
                "progress: [\\d,]+/120 responses \\([\\d.]+%\\) of student (\\S+) \\((\\d) of 2\\),"
                    + " ([\\d,]+) of ([\\d,]+) planned model tokens \\(run: ([\\d,]+) of ([\\d,]+)\\),"
                    + ".* ETA \\S+ for the run")
            .matcher(o.output());
    Set<String> students = new HashSet<>();
    while (m.find()) {
      students.add(m.group(1) + " " + m.group(2));
      long student = number(m.group(3));
      long studentPlan = number(m.group(4));
      long run = number(m.group(5));
      long runPlan = number(m.group(6));
      assertEquals(2 * studentPlan, runPlan, "two copies of one student plan alike: " + m.group());
      assertTrue(run >= student && run <= runPlan, m.group());
      if (m.group(2).equals("2")) {
        assertEquals(
            studentPlan + student, run, "the first student's plan is behind: " + m.group());
      } else {
        assertEquals(student, run, m.group());
      }
    }
    assertEquals(Set.of("demo-student 1", "second-student 2"), students, o.output());
  }

  private static long number(String s) {
    return Long.parseLong(s.replace(",", ""));
  }
}
