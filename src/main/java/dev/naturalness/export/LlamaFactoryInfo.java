package dev.naturalness.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code export/dataset_info.json}: LLaMA-Factory's description of every exported dataset it can
 * read, so that {@code dataset_dir: <output.path>/export} and {@code dataset: naturalness_<format>}
 * in a training YAML load it as it is. One entry per format, student and split, named {@code
 * naturalness_<format>} (with {@code _<student>} when a run has several students, and {@code _test}
 * for the held-out split), stable from run to run; each {@code file_name} is a folder that holds
 * that split's data files and nothing else (LLaMA-Factory's {@code _load_single_dataset} lists the
 * folder and refuses mixed file types).
 */
public final class LlamaFactoryInfo {
  private final Map<String, Map<String, Object>> entries = new LinkedHashMap<>();

  /**
   * Adds a format's split of one student.
   *
   * @param folder the split's folder relative to export/ (e.g. {@code sharegpt/data/train})
   */
  public void add(
      ExportFormat format, String student, boolean severalStudents, String split, String folder) {
    if (!format.llamaFactory()) {
      return;
    }
    String name =
        "naturalness_"
            + format.key()
            + (severalStudents ? "_" + student : "")
            + (split.equals("train") ? "" : "_" + split);
    entries.put(name, entry(format, folder));
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public Map<String, Map<String, Object>> entries() {
    return entries;
  }

  /** A format's entry: where its files are and how LLaMA-Factory's converters read them. */
  static Map<String, Object> entry(ExportFormat format, String folder) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("file_name", folder);
    switch (format) {
      case MESSAGES -> {
        e.put("formatting", "sharegpt");
        e.put("columns", Map.of("messages", "messages"));
        e.put("tags", tags("role", "content", "user", "assistant", "system"));
      }
      case SHAREGPT -> {
        e.put("formatting", "sharegpt");
        e.put("columns", Map.of("messages", "conversations"));
        e.put(
            "tags",
            tags("from", "value", TrainingRows.HUMAN, TrainingRows.GPT, TrainingRows.SYSTEM));
      }
      case ALPACA -> {
        e.put("formatting", "alpaca");
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("prompt", "instruction");
        columns.put("query", "input");
        columns.put("response", "output");
        columns.put("system", "system");
        columns.put("history", "history");
        e.put("columns", columns);
      }
      case PAIRS_SHAREGPT -> {
        e.put("formatting", "sharegpt");
        e.put("ranking", true);
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("messages", "conversations");
        columns.put("chosen", "chosen");
        columns.put("rejected", "rejected");
        e.put("columns", columns);
        e.put(
            "tags",
            tags("from", "value", TrainingRows.HUMAN, TrainingRows.GPT, TrainingRows.SYSTEM));
      }
      default -> throw new IllegalArgumentException(format.key() + " has no LLaMA-Factory entry");
    }
    return e;
  }

  private static Map<String, String> tags(
      String role, String content, String user, String assistant, String system) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("role_tag", role);
    t.put("content_tag", content);
    t.put("user_tag", user);
    t.put("assistant_tag", assistant);
    t.put("system_tag", system);
    return t;
  }

  public String json() {
    try {
      return new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(entries)
          + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
