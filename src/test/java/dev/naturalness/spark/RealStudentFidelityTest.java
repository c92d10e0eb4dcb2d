package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.naturalness.JobArgs;
import dev.naturalness.Processes;
import dev.naturalness.RealStudent;
import dev.naturalness.Slow;
import dev.naturalness.data.Fields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import scala.collection.Seq;

/**
 * The job with the real SmolLM2-135M-Instruct student (a byte-level BPE of 49,152 tokens with
 * special tokens, its ChatML prompt, a log-softmax over 49,152 logits) against the independent
 * reference (src/main/python/reference_scores.py cases: the tokenizer.json read by the tokenizers
 * package, an eager transformers forward of the Hugging Face model, one pass per window), on six
 * rows (three of the demo corpus; three with LaTeX, code, Chinese, Russian and emoji), for
 * paragraph and sentence steps, windows by steps and by fraction, with and without the prompt:
 * every step score, LALP and GALP within 1e-4, and the same token and step counts.
 */
@Slow
class RealStudentFidelityTest extends SparkTestBase {
  private static final Path ROWS = Path.of("src/test/resources/real-student/rows.jsonl");
  private static final double TOLERANCE = 1e-4;

  /** A way of scoring: its settings and the case fields the reference reads. */
  private record Mode(String segmenter, String window, String value, boolean includePrompt) {
    String name() {
      return segmenter + "-" + window + "-" + value + (includePrompt ? "" : "-no-prompt");
    }
  }

  private static final List<Mode> MODES =
      List.of(
          new Mode("paragraph", "steps", "2", true),
          new Mode("paragraph", "fraction", "0.25", true),
          new Mode("sentence", "steps", "1", true),
          new Mode("sentence", "fraction", "0.25", false));

  @Test
  void stepScoresEqualTheReferenceOnePassPerWindow() throws Exception {
    RealStudent.require();
    Path work =
        Files.createTempDirectory(
            Files.createDirectories(Path.of("target")), "real-student-fidelity");
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(ROWS, StandardCharsets.UTF_8)) {
      rows.add(json.readTree(line));
    }
    Map<String, Map<String, Row>> scored = new HashMap<>();
    StringBuilder cases = new StringBuilder();
    for (Mode mode : MODES) {
      Path out = work.resolve(mode.name());
      JobRunner.run(
          spark(),
          JobArgs.demo(ROWS, out)
              .set("student.path", RealStudent.dir())
              .set("scoring.segmenter", mode.segmenter())
              .set("scoring.window." + mode.window(), mode.value())
              .set("scoring.window.include-prompt", mode.includePrompt())
              .set("output.step-scores", true));
      Map<String, Row> byPrompt = new HashMap<>();
      for (Row r : spark().read().parquet(out.resolve("scores").toString()).collectAsList()) {
        byPrompt.put(r.getAs(Fields.PROMPT_ID), r);
      }
      scored.put(mode.name(), byPrompt);
      for (JsonNode row : rows) {
        ObjectNode c = json.createObjectNode();
        c.put("id", mode.name() + "/" + row.get("prompt_id").asText());
        c.put("prompt", row.get("prompt").asText());
        c.put("response", row.get("response").asText());
        c.put("segmenter", mode.segmenter());
        c.putObject("window").put(mode.window(), mode.value());
        c.put("include_prompt", mode.includePrompt());
        cases.append(json.writeValueAsString(c)).append('\n');
      }
    }
    Path casesFile = work.resolve("cases.jsonl");
    Files.writeString(casesFile, cases.toString(), StandardCharsets.UTF_8);
    Path expectedFile = work.resolve("expected.json");
    reference(casesFile, expectedFile);

    double worst = 0;
    int steps = 0;
    for (JsonNode c : json.readTree(expectedFile.toFile())) {
      String[] id = c.get("id").asText().split("/", 2);
      Row got = scored.get(id[0]).get(id[1]);
      JsonNode want = c.get("expected");
      String where = c.get("id").asText();
      assertEquals("ok", got.getAs(Fields.STATUS), where);
      assertEquals(want.get("n_tokens").asInt(), (int) got.getAs(Fields.N_TOKENS), where);
      assertEquals(want.get("n_steps").asInt(), (int) got.getAs(Fields.N_STEPS), where);
      Seq<Object> stepScores = got.getAs(Fields.STEP_SCORES);
      JsonNode wantSteps = want.get("step_scores");
      assertEquals(wantSteps.size(), stepScores.size(), where);
      for (int i = 0; i < wantSteps.size(); i++) {
        double d =
            Math.abs(((Number) stepScores.apply(i)).doubleValue() - wantSteps.get(i).asDouble());
        worst = Math.max(worst, d);
        Assertions.assertTrue(d <= TOLERANCE, where + " step " + i + " differs by " + d);
        steps++;
      }
      for (String metric : List.of(Fields.LALP, Fields.GALP)) {
        double d = Math.abs(got.<Double>getAs(metric) - want.get(metric).asDouble());
        worst = Math.max(worst, d);
        Assertions.assertTrue(d <= TOLERANCE, where + " " + metric + " differs by " + d);
      }
    }
    System.out.printf(
        "SmolLM2 student: %d cases, %d steps, max |job - reference| %.2e%n",
        rows.size() * MODES.size(), steps, worst);
  }

  private static void reference(Path cases, Path expected)
      throws IOException, InterruptedException {
    Processes.Outcome o =
        new Processes.Command(
                List.of(
                    RealStudent.python(),
                    "src/main/python/reference_scores.py",
                    "cases",
                    RealStudent.dir().toString(),
                    cases.toString(),
                    expected.toString(),
                    "--hf-model",
                    RealStudent.hfDir().toString()))
            .run(Duration.ofMinutes(15));
    assertEquals(0, o.exit(), o.output());
  }
}
