package dev.naturalness.spark;

import dev.naturalness.checks.InputPreflight;
import dev.naturalness.config.Settings;
import dev.naturalness.data.RowFlag;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Input settings as reference.conf gives them, for tests that call a stage directly. */
final class Inputs {
  /** The columns of reference.conf. */
  static final Settings.Columns COLUMNS =
      new Settings.Columns(
          "prompt_id",
          "prompt",
          "teacher",
          List.of("response"),
          "response_id",
          "correct",
          "steps",
          "step_ends",
          "messages",
          "conversations",
          "system",
          "generations",
          "",
          "",
          "");

  private Inputs() {}

  /** A corpus of one response a row, in the default columns. */
  static Settings.Input flat(String path, String format) {
    return new Settings.Input(
        path,
        format,
        Settings.Shape.FLAT,
        COLUMNS,
        "",
        "",
        new Settings.Generations(List.of(), "any", "", ""),
        Map.of(),
        Map.of(),
        Map.of());
  }

  /** The corpus as the job reads it, after the checks it passes before Spark starts. */
  static Dataset<Row> read(SparkSession spark, Settings.Input input) {
    InputPreflight.Found found = InputPreflight.check(input, "paragraph", new Configuration());
    return CorpusReader.readCorpus(spark, input, found);
  }

  /** select.top-k and, when asked, select.require = [correct]. */
  static Settings.Select select(int topK, boolean requireCorrect) {
    return new Settings.Select(topK, requireCorrect ? Set.of(RowFlag.INCORRECT) : Set.of());
  }
}
