package dev.naturalness.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.naturalness.config.OutputFormat;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every name the job writes under output.path stays under it, whatever value it was built from: the
 * guard refuses a name that could reach outside before anything is written.
 */
class OutputsTest {
  static final Outputs OUT = new Outputs("/data/run", OutputFormat.PARQUET, new Configuration());

  @ParameterizedTest(name = "[{index}] '{0}'")
  @ValueSource(
      strings = {
        "../x",
        "export/messages/data/../../../../X/train.parquet",
        "/etc/passwd",
        "export//x",
        "export/./x",
        "",
        "a\\..\\b"
      })
  void aNameThatCouldLeaveTheOutputIsRefused(String name) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OUT.path(name));
    assertEquals(
        "'" + name + "' is not a plain relative name under the output; nothing is written there",
        e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"scores", "export/messages/data/demo-student/train-00000-of-00001.parquet"})
  void aPlainNameIsUnderTheOutput(String name) {
    assertEquals("/data/run/" + name, OUT.path(name));
  }
}
