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
   * Adds a format's split of one student, when LLaMA-Factory reads the format.
   *
   * @param folder the split's folder relative to export/ (e.g. {@code sharegpt/data/train})
   */
  public void add(
      TrainingFormat format, String student, boolean severalStudents, String split, String folder) {
    format
        .llamaFactoryEntry(folder)
        .ifPresent(
            entry ->
                entries.put(
                    "naturalness_"
                        + format.key()
                        + (severalStudents ? "_" + student : "")
                        + (split.equals("train") ? "" : "_" + split),
                    entry));
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public Map<String, Map<String, Object>> entries() {
    return entries;
  }

  /**
   * An entry that LLaMA-Factory's sharegpt converter reads: where the files are, whether rows are
   * preference pairs (ranking), which columns hold the turns, and the turns' tags.
   */
  static Map<String, Object> sharegpt(
      String folder, boolean ranking, Map<String, String> columns, Map<String, String> tags) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("file_name", folder);
    e.put("formatting", "sharegpt");
    if (ranking) {
      e.put("ranking", true);
    }
    e.put("columns", columns);
    e.put("tags", tags);
    return e;
  }

  /** Names in order, as {@code name, column, name, column, ...}. */
  static Map<String, String> ordered(String... namesAndColumns) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < namesAndColumns.length; i += 2) {
      m.put(namesAndColumns[i], namesAndColumns[i + 1]);
    }
    return m;
  }

  /** ShareGPT's tags: from/value, human and gpt, and LLaMA-Factory's system tag. */
  static Map<String, String> sharegptTags() {
    return tags("from", "value", TrainingRows.HUMAN, TrainingRows.GPT, TrainingRows.SYSTEM);
  }

  static Map<String, String> tags(
      String role, String content, String user, String assistant, String system) {
    return ordered(
        "role_tag", role,
        "content_tag", content,
        "user_tag", user,
        "assistant_tag", assistant,
        "system_tag", system);
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
