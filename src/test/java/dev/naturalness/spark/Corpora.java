package dev.naturalness.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small corpora for Spark tests, written as JSON Lines. */
final class Corpora {
  private Corpora() {}

  static Map<String, Object> row(
      String promptId, String teacher, String response, Boolean correct) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("prompt_id", promptId);
    r.put(
        "prompt",
        "Ava has "
            + (promptId == null ? 0 : promptId.length())
            + " apples and buys 3 more. How many apples does Ava have now?");
    r.put("teacher", teacher);
    r.put("response", response);
    if (correct != null) {
      r.put("correct", correct);
    }
    r.put("source", "batch-" + promptId + "-" + teacher);
    return r;
  }

  /** Three prompts, three teachers each, one wrong answer, one empty response. */
  static List<Map<String, Object>> small() {
    List<Map<String, Object>> rows = new ArrayList<>();
    String[] prompts = {"p1", "p2", "p3"};
    for (int i = 0; i < prompts.length; i++) {
      int a = 4 + i;
      rows.add(
          row(
              prompts[i],
              "concise",
              a + " + 3 = " + (a + 3) + ".\n\nThe answer is " + (a + 3) + ".",
              true));
      rows.add(
          row(
              prompts[i],
              "student-like",
              "Ava starts with "
                  + a
                  + " apples.\n\nAva buys 3 more: "
                  + a
                  + " + 3 = "
                  + (a + 3)
                  + ".\n\nThe answer is "
                  + (a + 3)
                  + ".",
              i != 1));
      rows.add(
          row(
              prompts[i],
              "sloppy",
              "ok so " + a + "+3 iz " + (a + 2) + "\n\nanswr " + (a + 2) + " i thnk",
              false));
    }
    rows.add(row("p4", "concise", "   \n\n ", true));
    return rows;
  }

  /** The demo corpus's first {@code rows} rows (four teachers per prompt, in order). */
  static List<Map<String, Object>> demoSlice(int rows) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line :
        Files.readAllLines(Path.of("src/main/resources/demo/corpus.jsonl")).subList(0, rows)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> row = mapper.readValue(line, LinkedHashMap.class);
      out.add(row);
    }
    return out;
  }

  static Path writeJsonLines(Path dir, String name, List<Map<String, Object>> rows)
      throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    StringBuilder out = new StringBuilder();
    for (Map<String, Object> r : rows) {
      out.append(mapper.writeValueAsString(r)).append('\n');
    }
    Path file = dir.resolve(name);
    Files.createDirectories(dir);
    Files.writeString(file, out.toString());
    return file;
  }
}
