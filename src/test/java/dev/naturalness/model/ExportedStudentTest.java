package dev.naturalness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import dev.naturalness.data.StepInput;
import dev.naturalness.scoring.Execution;
import dev.naturalness.scoring.ResponseScore;
import dev.naturalness.scoring.ResponseScorer;
import dev.naturalness.scoring.ScoreDefinition;
import dev.naturalness.scoring.WindowRule;
import dev.naturalness.text.PreparedResponse;
import dev.naturalness.text.PromptTemplate;
import dev.naturalness.text.ResponsePreparer;
import dev.naturalness.text.Segmenter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Hugging Face export path end to end: the export script's own tests (src/test/python, Debian's
 * python3-torch), then students it exports from a small Hugging Face-style model in float32 and
 * bfloat16, scored here through DJL (packed, grouped windows) against reference scores that Python
 * computed on the eager model one window per pass. Needs /usr/bin/python3 with torch; .ci/run
 * installs it and sets NATURALNESS_REQUIRE_TORCH, elsewhere the test is skipped without it.
 */
@Slow
class ExportedStudentTest {
  static final Path OUT = Path.of("target", "exported-students");
  static final String PYTHON = "/usr/bin/python3";
  private static boolean exported;

  @BeforeAll
  static void requireTorch() throws Exception {
    boolean torch =
        Files.isExecutable(Path.of(PYTHON))
            && run(List.of(PYTHON, "-c", "import torch, jinja2")).code() == 0;
    if (System.getenv("NATURALNESS_REQUIRE_TORCH") == null) {
      Assumptions.assumeTrue(
          torch,
          "needs /usr/bin/python3 with torch and jinja2 (Debian: python3-torch python3-jinja2)");
    }
    assertTrue(
        torch,
        "NATURALNESS_REQUIRE_TORCH is set but /usr/bin/python3 cannot import torch and jinja2");
  }

  record Ran(int code, String output) {}

  static Ran run(List<String> command) throws IOException, InterruptedException {
    Processes.Outcome o = new Processes.Command(command).run(Duration.ofMinutes(5));
    return new Ran(o.exit(), o.output());
  }

  @Test
  void exportScriptTestsPass() throws Exception {
    Ran ran =
        run(
            List.of(
                PYTHON,
                "-m",
                "unittest",
                "discover",
                "-s",
                "src/test/python",
                "-p",
                "test_*.py",
                "-v"));
    System.out.println(
        ran.output()
            .lines()
            .filter(l -> l.contains(" ... ") || l.startsWith("Ran ") || l.startsWith("OK"))
            .reduce("", (a, b) -> a + b + "\n"));
    assertEquals(0, ran.code(), ran.output());
    assertTrue(ran.output().contains("OK"), ran.output());
  }

  @ParameterizedTest
  @CsvSource({"float32, 1e-4", "bfloat16, 2e-2"})
  void exportedStudentScoresAsTheEagerModelDoes(String dtype, double tolerance) throws Exception {
    Path dir = OUT.resolve(dtype);
    synchronized (ExportedStudentTest.class) {
      if (!exported) {
        Ran ran = run(List.of(PYTHON, "src/test/python/export_fixture.py", OUT.toString()));
        assertEquals(0, ran.code(), ran.output());
        exported = true;
      }
    }
    JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
    try (Student student = Student.load(dir, Device.cpu())) {
      assertEquals(dtype, student.manifest().dtype());
      assertEquals(272, student.manifest().vocabSize());
      ResponsePreparer preparer =
          new ResponsePreparer(
              new PromptTemplate(student.manifest().promptTemplate()),
              Segmenter.named("paragraph"),
              student.tokenizer(),
              student.manifest().bosId());
      List<PreparedResponse> prepared = new ArrayList<>();
      for (JsonNode c : expected) {
        prepared.add(
            preparer.prepare(c.get("prompt").asText(), c.get("response").asText(), StepInput.NONE));
      }
      ScoreDefinition definition =
          ScoreDefinition.defaults(student.manifest().maxTokens())
              .withWindow(WindowRule.Fraction.of("0.25"), true);
      List<ResponseScore> scores =
          new ResponseScorer(definition, Execution.defaults().withBatch(2048, 256), student.model())
              .score(prepared);
      double worst = 0;
      for (int i = 0; i < scores.size(); i++) {
        JsonNode want = expected.get(i);
        ResponseScore got = scores.get(i);
        assertEquals(want.get("n_steps").asInt(), got.nSteps(), "steps of case " + i);
        worst = Math.max(worst, Math.abs(got.lalp() - want.get("lalp").asDouble()));
        worst = Math.max(worst, Math.abs(got.galp() - want.get("galp").asDouble()));
      }
      System.out.printf(
          "exported %s student: max |java - eager reference| over LALP and GALP = %.2e%n",
          dtype, worst);
      assertTrue(worst <= tolerance, dtype + ": max difference " + worst + " > " + tolerance);
    }
  }
}
