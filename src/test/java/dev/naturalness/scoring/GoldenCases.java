package dev.naturalness.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.data.StepInput;
import dev.naturalness.model.Student;
import dev.naturalness.text.PreparedResponse;
import dev.naturalness.text.PromptTemplate;
import dev.naturalness.text.ResponsePreparer;
import dev.naturalness.text.StepSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fixtures and expected scores written by src/main/python/reference_scores.py. */
final class GoldenCases {
  static final Path FILE = Path.of("src/test/resources/golden/demo-student-golden.json");

  record Case(
      String fixture,
      String prompt,
      String response,
      List<String> steps,
      String segmenter,
      WindowRule window,
      boolean includePrompt,
      int maxTokens,
      JsonNode expected) {
    @Override
    public String toString() {
      return fixture
          + " "
          + segmenter
          + " "
          + window
          + " prompt="
          + includePrompt
          + " max="
          + maxTokens;
    }

    ScoreDefinition definition() {
      return ScoreDefinition.defaults(maxTokens).withWindow(window, includePrompt);
    }

    PreparedResponse prepare(Student student) {
      return new ResponsePreparer(
              new PromptTemplate(student.manifest().promptTemplate()),
              StepSource.named(segmenter()),
              student.tokenizer(),
              student.manifest().bosId())
          .prepare(prompt, response, new StepInput(steps, null));
    }
  }

  private GoldenCases() {}

  static List<Case> load() throws IOException {
    JsonNode root = new ObjectMapper().readTree(FILE.toFile());
    List<Case> cases = new ArrayList<>();
    for (JsonNode c : root.get("cases")) {
      JsonNode w = c.get("window");
      WindowRule rule =
          w.has("steps")
              ? new WindowRule.Steps(Integer.parseInt(w.get("steps").asText()))
              : WindowRule.Fraction.of(w.get("fraction").asText());
      List<String> steps = null;
      if (c.hasNonNull("steps")) {
        steps = new ArrayList<>();
        for (JsonNode s : c.get("steps")) {
          steps.add(s.asText());
        }
      }
      cases.add(
          new Case(
              c.get("fixture").asText(),
              c.get("prompt").asText(),
              c.get("response").asText(),
              steps,
              c.get("segmenter").asText(),
              rule,
              c.get("include_prompt").asBoolean(),
              c.get("max_tokens").asInt(),
              c.get("expected")));
    }
    return cases;
  }

  static Student student() {
    return DemoStudent.get();
  }
}
