package dev.naturalness.spark;

import dev.naturalness.config.Settings;
import dev.naturalness.report.CorpusCounts;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the read stage tells the user of the corpus it read: how many rows, from where, and what in
 * them the run treats otherwise than a user may expect (reused ids, labels it cannot read, a
 * required label no row has: a warning that summary.json and the report keep).
 */
final class CorpusNotes {
  private static final Logger LOG = LoggerFactory.getLogger(CorpusNotes.class);

  private CorpusNotes() {}

  static void tell(
      CorpusCounts counts, Settings.Job settings, String format, Consumer<String> warn) {
    LOG.info("read {} rows from {} ({})", counts.rows(), settings.input().path(), format);
    if (counts.duplicateIdsWithOtherText() > 0) {
      LOG.warn(
          "{} rows reuse a response_id that an earlier row has with another prompt, response or"
              + " steps; only the first is scored (status duplicate)",
          counts.duplicateIdsWithOtherText());
    }
    if (counts.labelled() == 0 && settings.select().requireCorrect()) {
      warn.accept(
          "select.require names correct, but no input row has a correctness label ("
              + settings.input().correctSource()
              + "): the check passes every row; leave correct out of select.require to say so");
    }
    if (counts.correctUnrecognized() > 0) {
      LOG.warn(
          "{} rows have a correct label that is not a boolean, true/false, yes/no, 1/0, t/f or"
              + " y/n; it counts as unknown and the rows are scored",
          counts.correctUnrecognized());
    }
  }
}
