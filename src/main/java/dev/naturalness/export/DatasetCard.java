package dev.naturalness.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The README.md of an exported dataset: a YAML header that names its files (so {@code load_dataset}
 * on the folder finds them, a config per student when there are several), then what was selected,
 * by which student and settings, how many rows each teacher gave, the checks' funnel, and the run's
 * config hash. And, for ShareGPT, LLaMA-Factory's dataset_info.json entry.
 */
public record DatasetCard(
    String format,
    Facts facts,
    Map<String, Map<String, Long>> rowsByStudentAndTeacher,
    Map<String, List<String>> filesByStudent,
    boolean configPerStudent) {

  /**
   * What the run says of its selection.
   *
   * @param students per student, its name and what it is (family, model sha256)
   * @param definition how the scores were made: steps, windows, metrics, sampling
   * @param selection top-k and the checks required
   * @param funnel per student, the funnel's counts, in order
   */
  public record Facts(
      String runId,
      String configHash,
      Map<String, String> students,
      String definition,
      String selection,
      Map<String, Map<String, Long>> funnel) {}

  private static final Map<String, String> WHAT =
      Map.of(
          "messages",
          "TRL's conversational format: `messages`, a list of {role, content} turns (system, user,"
              + " assistant) whose last turn is the selected response.",
          "prompt-completion",
          "TRL's conversational prompt-completion format: `prompt` (the turns before the"
              + " response) and `completion` (the selected response as the assistant's turn).",
          "sharegpt",
          "ShareGPT: `conversations`, a list of {from, value} (human, gpt) ending with the selected"
              + " response, and `system`; `dataset_info.json` holds LLaMA-Factory's entry for it.",
          "alpaca",
          "Alpaca as LLaMA-Factory reads it: `instruction` (the last user turn), `input` (empty),"
              + " `output` (the selected response), `system`, and `history` (earlier"
              + " [user, assistant] pairs).",
          "pairs",
          "Preference pairs (DPO): per prompt and student, `prompt` turns, the best candidate by"
              + " LALP as `chosen` and the worst as `rejected`, with both scores and their"
              + " `margin`.");

  public String markdown() {
    StringBuilder md = new StringBuilder(yamlHeader());
    md.append("---\n\n# ").append(format).append(" selected by naturalness\n\n");
    md.append(WHAT.get(format)).append("\n\n");
    md.append("Each row also carries `response_id`, `prompt_id`, `teacher`, `student` and the")
        .append(" scores (`lalp`, `galp`, `margin`); the assistant's last turn is the scored")
        .append(" response, byte for byte.\n\n## How it was selected\n\n");
    facts
        .students()
        .forEach(
            (name, what) ->
                md.append("- student `").append(name).append("`: ").append(what).append('\n'));
    md.append("- scores: ").append(facts.definition()).append('\n');
    md.append("- selection: ").append(facts.selection()).append('\n');
    md.append("- run `")
        .append(facts.runId())
        .append("`, config hash `")
        .append(facts.configHash())
        .append("`\n\n");
    md.append("## Rows per teacher\n\n| student | teacher | rows |\n| --- | --- | --- |\n");
    rowsByStudentAndTeacher.forEach(
        (student, teachers) ->
            teachers.forEach(
                (teacher, n) ->
                    md.append("| ")
                        .append(student)
                        .append(" | ")
                        .append(teacher)
                        .append(" | ")
                        .append(n)
                        .append(" |\n")));
    md.append("\n## Funnel\n\n| student | step | rows |\n| --- | --- | --- |\n");
    facts
        .funnel()
        .forEach(
            (student, steps) ->
                steps.forEach(
                    (step, n) ->
                        md.append("| ")
                            .append(student)
                            .append(" | ")
                            .append(step)
                            .append(" | ")
                            .append(n)
                            .append(" |\n")));
    return md.toString();
  }

  /** The YAML header that names the data files, a config per student when there are several. */
  String yamlHeader() {
    StringBuilder md = new StringBuilder("---\nconfigs:\n");
    boolean first = true;
    for (Map.Entry<String, List<String>> s : filesByStudent.entrySet()) {
      md.append("- config_name: ")
          .append(configPerStudent ? yaml(s.getKey()) : "default")
          .append('\n');
      if (configPerStudent && first) {
        md.append("  default: true\n");
      }
      md.append("  data_files:\n  - split: train\n    path:\n");
      for (String f : s.getValue()) {
        md.append("    - ").append(yaml(f)).append('\n');
      }
      first = false;
    }
    return md.toString();
  }

  /** LLaMA-Factory's dataset_info.json for the ShareGPT export, the folder as one dataset. */
  public String llamaFactoryInfo() {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("file_name", "data");
    entry.put("formatting", "sharegpt");
    entry.put("columns", Map.of("messages", "conversations", "system", "system"));
    entry.put(
        "tags",
        Map.of(
            "role_tag",
            "from",
            "content_tag",
            "value",
            "user_tag",
            TrainingRows.HUMAN,
            "assistant_tag",
            TrainingRows.GPT));
    try {
      return new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(Map.of("naturalness_" + facts.runId(), entry))
          + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A YAML scalar, quoted. */
  private static String yaml(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
