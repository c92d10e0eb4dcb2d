package dev.naturalness.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.data.ShownText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The README.md of an exported dataset: a YAML header that {@code load_dataset} on the folder reads
 * ({@code configs}: a config per student with its splits' files; {@code dataset_info}: the features
 * the files are written with and each split's size; the Hub's metadata), then what was selected, by
 * which student and settings, how the prompts were rendered when they were scored, how many rows
 * each teacher gave, the rows a format could not hold, and the checks' funnel.
 *
 * @param students per student with rows, in order: its splits
 * @param empty per student without rows, why
 * @param leftOut per student, the rows this format could not hold, by reason
 * @param features the columns of every file, in order
 */
public record DatasetCard(
    ExportFormat format,
    Facts facts,
    Map<String, Map<String, Split>> students,
    Map<String, String> empty,
    Map<String, Map<String, Long>> leftOut,
    List<Feature> features,
    boolean configPerStudent) {

  /** One split of one student: its files (relative to the format's folder), rows per teacher. */
  public record Split(List<String> files, Map<String, Long> rowsByTeacher) {
    public long rows() {
      return rowsByTeacher.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * What the run says of its selection.
   *
   * @param students per student, its name and what it is (family, model sha256)
   * @param rendering per student, how a prompt was rendered when it was scored
   * @param definition how the scores were made: steps, windows, metrics, sampling
   * @param selection top-k and the checks required
   * @param funnel per student, the funnel's counts, in order
   * @param testShare the share of prompts held out as the test split (0: none), and its seed
   * @param license the license the card declares (empty: none)
   */
  public record Facts(
      String runId,
      String configHash,
      Map<String, String> students,
      Map<String, String> rendering,
      String definition,
      String selection,
      Map<String, Map<String, Long>> funnel,
      double testShare,
      long testSeed,
      String license) {}

  public String markdown() {
    StringBuilder md = new StringBuilder(yamlHeader());
    md.append("---\n\n# ").append(format.key()).append(" selected by naturalness\n\n");
    md.append(format.format().description()).append("\n\n");
    md.append("Each row also carries `response_id`, `prompt_id`, `teacher`, `student` and the")
        .append(" scores (`lalp`, `galp`, `margin`); the assistant's text is the scored")
        .append(" response, byte for byte.\n\n## How it was selected\n\n");
    facts
        .students()
        .forEach(
            (name, what) ->
                md.append("- student `").append(name).append("`: ").append(what).append('\n'));
    md.append("- scores: ").append(facts.definition()).append('\n');
    md.append("- selection: ").append(facts.selection()).append('\n');
    if (facts.testShare() > 0) {
      md.append("- split: a prompt is held out as `test` when the first 52 bits of the sha256 of")
          .append(" its prompt_id followed by \"")
          .append(facts.testSeed())
          .append("\", as a fraction of their range, are below ")
          .append(facts.testShare())
          .append(": the same prompts in every format and student\n");
    }
    md.append("- run `")
        .append(facts.runId())
        .append("`, config hash `")
        .append(facts.configHash())
        .append("`\n\n## How prompts were rendered when they were scored\n\n");
    facts
        .rendering()
        .forEach(
            (name, how) ->
                md.append("- student `").append(name).append("`: ").append(how).append('\n'));
    md.append(
        "\nThe turns here are the scored prompt's turns; train with the same template (or"
            + " chat template) so that the trained prompt is the scored one.\n");
    rowsTable(md);
    leftOutTable(md);
    funnelTable(md);
    return md.toString();
  }

  private void rowsTable(StringBuilder md) {
    md.append("\n## Rows per teacher\n\n| student | split | teacher | rows |\n| --- | --- | --- |")
        .append(" --- |\n");
    students.forEach(
        (student, splits) ->
            splits.forEach(
                (split, s) ->
                    s.rowsByTeacher()
                        .forEach(
                            (teacher, n) ->
                                md.append(row(student, split, teacher, String.valueOf(n))))));
    empty.forEach(
        (student, why) ->
            md.append("\nStudent `")
                .append(ShownText.visible(student))
                .append("`: no rows, ")
                .append(why)
                .append(".\n"));
  }

  private void leftOutTable(StringBuilder md) {
    long total =
        leftOut.values().stream()
            .flatMap(m -> m.values().stream())
            .mapToLong(Long::longValue)
            .sum();
    if (total == 0) {
      return;
    }
    md.append("\n## Selected rows this format cannot hold\n\n")
        .append("Their prompts' turns cannot alternate user and assistant after one system turn")
        .append(" (consecutive turns of one role are merged with a blank line first); they are")
        .append(" in `selected/` and in the formats that keep turns as they are.\n\n")
        .append("| student | reason | rows |\n| --- | --- | --- |\n");
    leftOut.forEach(
        (student, reasons) ->
            reasons.forEach((reason, n) -> md.append(row(student, reason, String.valueOf(n)))));
  }

  private void funnelTable(StringBuilder md) {
    md.append("\n## Funnel\n\n| student | step | rows |\n| --- | --- | --- |\n");
    facts
        .funnel()
        .forEach(
            (student, steps) ->
                steps.forEach((step, n) -> md.append(row(student, step, String.valueOf(n)))));
  }

  /** A table row; every cell shown as {@link ShownText#markdownCell}. */
  private static String row(String... cells) {
    StringBuilder out = new StringBuilder("|");
    for (String c : cells) {
      out.append(' ').append(ShownText.markdownCell(c)).append(" |");
    }
    return out.append('\n').toString();
  }

  /**
   * The YAML header: {@code configs} (a config per student when there are several, the first the
   * default), {@code dataset_info} with the features and split sizes of each config, then the Hub's
   * metadata.
   */
  String yamlHeader() {
    StringBuilder y = new StringBuilder("---\nconfigs:\n");
    boolean first = true;
    for (Map.Entry<String, Map<String, Split>> s : students.entrySet()) {
      y.append("- config_name: ").append(Yaml.string(configName(s.getKey()))).append('\n');
      if (configPerStudent && first) {
        y.append("  default: true\n");
      }
      y.append("  data_files:\n");
      s.getValue()
          .forEach(
              (split, files) -> {
                y.append("  - split: ").append(split).append("\n    path:\n");
                for (String f : files.files()) {
                  y.append("    - ").append(Yaml.string(f)).append('\n');
                }
              });
      first = false;
    }
    y.append("dataset_info:\n");
    for (Map.Entry<String, Map<String, Split>> s : students.entrySet()) {
      y.append("- config_name: ").append(Yaml.string(configName(s.getKey()))).append('\n');
      y.append("  features:\n");
      for (Feature f : features) {
        f.yaml(y, 2, true);
      }
      y.append("  splits:\n");
      s.getValue()
          .forEach(
              (split, files) ->
                  y.append("  - name: ")
                      .append(split)
                      .append("\n    num_examples: ")
                      .append(files.rows())
                      .append('\n'));
    }
    y.append("task_categories:\n- text-generation\n");
    y.append("tags:\n- naturalness\n- distillation\n- reasoning\n- ")
        .append(format.pairs() ? "preference" : "sft")
        .append('\n');
    y.append("size_categories:\n- ").append(sizeCategory(largestConfig())).append('\n');
    if (!facts.license().isEmpty()) {
      y.append("license: ").append(Yaml.string(facts.license())).append('\n');
    }
    return y.toString();
  }

  private String configName(String student) {
    return configPerStudent ? student : "default";
  }

  private long largestConfig() {
    long most = 0;
    for (Map<String, Split> splits : students.values()) {
      most = Math.max(most, splits.values().stream().mapToLong(Split::rows).sum());
    }
    return most;
  }

  /** The Hub's size category for a dataset of this many rows. */
  static String sizeCategory(long rows) {
    String[] names = {"n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M"};
    long bound = 1_000;
    for (String name : names) {
      if (rows < bound) {
        return name;
      }
      bound *= 10;
    }
    return "100M<n<1B";
  }

  /** The rows of every split of every student, by split. */
  public Map<String, Long> rowsBySplit() {
    Map<String, Long> out = new LinkedHashMap<>();
    students.values().forEach(s -> s.forEach((split, f) -> out.merge(split, f.rows(), Long::sum)));
    return out;
  }

  /** A text shown in the card as a JSON string in code (its line breaks written as \n). */
  public static String quoted(String s) {
    try {
      return "`" + new ObjectMapper().writeValueAsString(s) + "`";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
