package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1,000,000-character response is scored under the length rules, flagged truncated, in a job
 * whose JVM (driver and local executor) has a 512 MiB heap.
 */
@Slow
class LongResponseMemoryTest {
  static final String HEAP = "512m";
  @TempDir Path tmp;

  @Test
  void aMillionCharacterResponseIsScoredWithACappedHeap() throws Exception {
    List<Map<String, Object>> rows = Corpora.small();
    StringBuilder longText = new StringBuilder();
    while (longText.length() < 1_000_000) {
      longText
          .append("Then 3 * 4 = 12, and we keep adding the numbers as we go along. ".repeat(4_000))
          .append("\n\n");
    }
    rows.add(Corpora.row("long", "t", longText.toString(), true));
    Path input = Corpora.writeJsonLines(tmp, "c.jsonl", rows);
    Path out = tmp.resolve("out");

    Processes.Outcome o =
        Processes.job(
                HEAP,
                JobArgs.none()
                    .sets(
                        "input.path=" + input,
                        "output.path=" + out,
                        "student.path=" + DemoStudent.DIR,
                        "spark.default-master=local[2]",
                        "output.format=json"))
            .run(Duration.ofMinutes(5));
    assertEquals(0, o.exit(), o.output());

    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(rows.size(), summary.get("counts").get("read").asInt());
    assertEquals(
        rows.size() - 1,
        summary.get("counts").get("scored").asInt()); // the empty response in Corpora.small()
    System.out.println(
        "long-response run, " + HEAP + ": driver memory (MiB) " + summary.get("driver_memory_mb"));
    JsonNode longRow = longRow(out);
    assertEquals("ok", longRow.get("status").asText());
    assertTrue(longRow.get("truncated").asBoolean());
    assertTrue(longRow.get("n_tokens").asInt() >= 1_000_000);
  }

  @Test
  void aFortyThousandTokenTraceOfAThousandSentenceStepsAtMaxTokens8192FitsTheCappedHeap()
      throws Exception {
    // The demo student's positions are rotary, so a copy may declare a longer context.
    Path student = Files.createDirectories(tmp.resolve("student-8k"));
    for (String f : List.of("model.pt", "tokenizer.json")) {
      Files.copy(DemoStudent.DIR.resolve(f), student.resolve(f));
    }
    Files.writeString(
        student.resolve("student.conf"),
        Files.readString(DemoStudent.DIR.resolve("student.conf"))
            .replaceAll("max-tokens = \\d+", "max-tokens = 8192"));
    StringBuilder trace = new StringBuilder();
    for (int i = 0; trace.length() < 40_000; i++) {
      trace.append("Then ").append(i % 9 + 1).append(" * 4 = ").append((i % 9 + 1) * 4);
      trace.append(i % 25 == 24 ? ", and a new line.\n" : ", so we go on. ");
    }
    List<Map<String, Object>> rows = Corpora.small();
    rows.add(Corpora.row("long", "t", trace.toString(), true));
    Path input = Corpora.writeJsonLines(tmp, "trace.jsonl", rows);
    Path out = tmp.resolve("trace-out");
    Processes.Outcome o =
        Processes.job(
                HEAP,
                JobArgs.none()
                    .sets(
                        "input.path=" + input,
                        "output.path=" + out,
                        "student.path=" + student,
                        "student.max-tokens=8192",
                        "scoring.segmenter=sentence",
                        "scoring.window.steps=8",
                        "spark.default-master=local[2]",
                        "output.format=json"))
            .run(Duration.ofMinutes(8));
    assertEquals(0, o.exit(), o.output());
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    JsonNode longRow = longRow(out);
    assertEquals("ok", longRow.get("status").asText());
    assertTrue(longRow.get("n_tokens").asInt() >= 40_000, longRow.get("n_tokens").toString());
    assertTrue(longRow.get("n_steps").asInt() >= 1_000, longRow.get("n_steps").toString());
    assertTrue(longRow.get("truncated").asBoolean(), "GALP is cut at 8192 tokens");
    System.out.printf(
        Locale.ROOT,
        "40K-token trace: %d tokens, %d sentence steps, max-tokens 8192, -Xmx%s: driver memory (MiB)"
            + " %s, executor heap peak (MiB) %s, %,d model tokens, %.0f s%n",
        longRow.get("n_tokens").asInt(),
        longRow.get("n_steps").asInt(),
        HEAP,
        summary.get("driver_memory_mb"),
        summary.get("executor_memory_mb"),
        summary.get("tokens").get("model").asLong(),
        summary.get("wall_seconds").asDouble());
  }

  /** The scores/ row of the prompt "long", from a JSON Lines run. */
  static JsonNode longRow(Path run) throws IOException {
    try (var files = Files.list(run.resolve("scores"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(f)) {
          JsonNode row = new ObjectMapper().readTree(line);
          if (row.get("prompt_id").asText().equals("long")) {
            return row;
          }
        }
      }
    }
    throw new AssertionError("no row for the prompt long in " + run);
  }
}
