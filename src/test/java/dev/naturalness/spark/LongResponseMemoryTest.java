package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1,000,000-character response is scored under the length rules, flagged truncated, in a job
 * whose JVM (driver and local executor) has a 512 MiB heap.
 */
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
        Processes.java(
                HEAP,
                NaturalnessJob.class,
                "--set",
                "input.path=" + input,
                "--set",
                "output.path=" + out,
                "--set",
                "student.path=" + DemoStudent.DIR,
                "--set",
                "spark.default-master=local[2]",
                "--set",
                "output.format=json")
            .run(Duration.ofMinutes(5));
    assertEquals(0, o.exit(), o.output());

    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(rows.size(), summary.get("counts").get("read").asInt());
    assertEquals(
        rows.size() - 1,
        summary.get("counts").get("scored").asInt()); // the empty response in Corpora.small()
    System.out.println(
        "long-response run, " + HEAP + ": driver memory (MiB) " + summary.get("driver_memory_mb"));
    JsonNode longRow = null;
    try (var files = Files.list(out.resolve("scores"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(f)) {
          JsonNode row = new ObjectMapper().readTree(line);
          if (row.get("prompt_id").asText().equals("long")) {
            longRow = row;
          }
        }
      }
    }
    assertEquals("ok", longRow.get("status").asText());
    assertTrue(longRow.get("truncated").asBoolean());
    assertTrue(longRow.get("n_tokens").asInt() >= 1_000_000);
  }
}
