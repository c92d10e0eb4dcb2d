package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import dev.naturalness.TestStudents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A student that cannot work stops the job before Spark starts, with one line and exit code 2:
 * every run here names a Spark master that cannot be parsed, so a run that reached Spark would end
 * with Spark's own error instead. A student that fails on too many rows fails the run, which then
 * publishes nothing.
 */
@Slow
class BrokenStudentTest {
  @TempDir Path tmp;

  Processes.Outcome run(Path student, String... more) throws Exception {
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", Corpora.small());
    return Processes.job(
            null,
            JobArgs.none()
                .sets(
                    "spark.default-master=no-such-master://x",
                    "input.path=" + input,
                    "output.path=" + tmp.resolve("out"),
                    "student.path=" + student))
        .args(more)
        .run(Duration.ofMinutes(2));
  }

  static void assertStopsWith(Processes.Outcome o, String... words) {
    assertEquals(NaturalnessJob.EXIT_CONFIG, o.exit(), o.output());
    assertEquals(1, o.stderr().lines().count(), "one line:\n" + o.stderr());
    assertTrue(o.stderr().startsWith("naturalness: "), o.stderr());
    for (String w : words) {
      assertTrue(
          o.stderr().toLowerCase(Locale.ROOT).contains(w.toLowerCase(Locale.ROOT)),
          "'" + w + "' in: " + o.stderr());
    }
    assertFalse(o.output().contains("no-such-master"), "Spark started:\n" + o.output());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "vocab-size larger than the model's output | tiny        | vocab-size=300 | 259 | 300",
        "output of the wrong rank                  | wrong-rank  | -              | shape | (1, 8, 259)",
        "transposed output                         | transposed  | -              | shape | (1, 8, 259)",
        "all-NaN output                            | all-nan     | -              | non-finite | NaN",
        "max-tokens of 1 in student.conf           | tiny        | max-tokens=1   | max-tokens | 2"
      })
  void aStudentThatCannotWorkStopsTheJobBeforeSparkStarts(
      String name, String model, String override, String word1, String word2) throws Exception {
    Map<String, Object> conf =
        override.equals("-")
            ? Map.of()
            : Map.of(
                override.substring(0, override.indexOf('=')),
                Integer.parseInt(override.substring(override.indexOf('=') + 1)));
    Path student = TestStudents.make(tmp, model + "-broken", model, conf);
    assertStopsWith(run(student), word1, word2);
  }

  @Test
  void aModelFileThatIsNotTorchScriptStopsTheJob() throws Exception {
    Path student = TestStudents.make(tmp, "not-torchscript", "tiny", Map.of());
    Files.writeString(student.resolve("model.pt"), "this is not a TorchScript archive");
    String conf =
        Files.readString(student.resolve("student.conf"))
            .replaceAll(
                "model-sha256 = \"[0-9a-f]+\"",
                "model-sha256 = \"" + TestStudents.sha256(student.resolve("model.pt")) + "\"");
    Files.writeString(student.resolve("student.conf"), conf);
    assertStopsWith(run(student), "model.pt", "TorchScript");
  }

  @Test
  void aCorruptTokenizerStopsTheJob() throws Exception {
    Path student = TestStudents.make(tmp, "bad-tokenizer", "tiny", Map.of());
    Files.writeString(student.resolve("tokenizer.json"), "{ \"version\": \"1.0\", \"model\": ");
    assertStopsWith(run(student), "tokenizer.json");
  }

  @Test
  void maxTokensBelowTwoOrAboveTheStudentsOwnStopsTheJob() throws Exception {
    Path student = TestStudents.make(tmp, "tiny", "tiny", Map.of());
    assertStopsWith(run(student, "--set", "student.max-tokens=1"), "student.max-tokens", "2");
    assertStopsWith(
        run(student, "--set", "student.max-tokens=4096"), "student.max-tokens", "4096", "2048");
  }

  @Test
  void aRunWhereTooManyRowsAreModelErrorsFailsAndPublishesNothing() throws Exception {
    // The poisoned student returns NaN for any row holding a 'Z': 3 of the 10 rows here.
    List<Map<String, Object>> rows = Corpora.small();
    for (int i = 0; i < 3; i++) {
      rows.get(i).put("response", rows.get(i).get("response") + " Zzz.");
    }
    Path input = Corpora.writeJsonLines(tmp, "poisoned.jsonl", rows);
    Path student = TestStudents.make(tmp, "poisoned", "poisoned", Map.of());
    Path out = tmp.resolve("poisoned-out");
    Processes.Outcome failed =
        Processes.job(
                "2g",
                JobArgs.none()
                    .sets(
                        "spark.default-master=local[2]",
                        "input.path=" + input,
                        "output.path=" + out,
                        "student.path=" + student,
                        "teachers.bootstrap-samples=50"))
            .run(Duration.ofMinutes(3));
    assertTrue(failed.exit() != 0, failed.output());
    assertTrue(failed.output().contains("model_error"), failed.output());
    assertFalse(Files.exists(out.resolve("summary.json")), "a failed run published summary.json");

    // Allowed a larger share, the same run completes, reusing the 6 rows the failed run scored
    // (its finished tasks committed them) and judging the student on all 9 it ran for.
    Processes.Outcome allowed =
        Processes.job(
                "2g",
                JobArgs.none()
                    .sets(
                        "spark.default-master=local[2]",
                        "input.path=" + input,
                        "output.path=" + out,
                        "student.path=" + student,
                        "teachers.bootstrap-samples=50",
                        "scoring.max-model-error-share=0.5"))
            .run(Duration.ofMinutes(3));
    assertEquals(0, allowed.exit(), allowed.output());
    JsonNode counts =
        new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("counts");
    assertEquals(3, counts.at("/by_status/model_error").asInt(), counts.toString());
    // 10 rows: 3 model errors, 1 empty response, 6 scored (by the failed run, reused now)
    assertEquals(6, counts.get("reused_from_unfinished_run").asInt(), counts.toString());
    assertEquals(0, counts.get("scored_now").asInt(), counts.toString());
  }
}
