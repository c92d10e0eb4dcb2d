package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.TestFiles;
import dev.naturalness.TestStudents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A student's name names folders: one that is not a plain name (a path, {@code ../x}) stops the job
 * before Spark starts, in one line, and nothing is written inside the output or outside it.
 */
class StudentNamesTest extends SparkTestBase {
  @TempDir Path tmp;

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aStudentNamedWithAPathIsRefusedBeforeSparkAndNothingIsWrittenOutsideTheOutput()
      throws Exception {
    Path work = Files.createDirectories(tmp.resolve("a/b/c/d/e/f/g"));
    Path evil = TestStudents.demoCopy(work, "evil", "");
    Path conf = evil.resolve("student.conf");
    Files.writeString(
        conf,
        Files.readString(conf).replace("name = \"evil\"", "name = \"../../../../../../../X\""));
    Path input = Corpora.writeJsonLines(work, "c.jsonl", Corpora.small());
    Path output = work.resolve("out");
    List<Path> before = TestFiles.everyFile(tmp);

    JobRunner.Exit exit =
        JobRunner.exit(
            JobArgs.demo(input, output)
                .set("student.path", "[\"" + DemoStudent.DIR + "\", \"" + evil + "\"]")
                .set("output.export", "[messages]"));

    assertEquals(NaturalnessJob.EXIT_CONFIG, exit.code(), exit.stderr());
    Assertions.assertTrue(exit.stderr().contains("is not a plain name"), exit.stderr());
    assertEquals(1, exit.stderr().strip().lines().count(), exit.stderr());
    assertEquals(
        before, TestFiles.everyFile(tmp), "nothing written, inside the output or outside it");
  }
}
