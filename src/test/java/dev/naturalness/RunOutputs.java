package dev.naturalness;

import dev.naturalness.report.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A finished run's outputs as tests read them back. */
public final class RunOutputs {
  private RunOutputs() {}

  /** The run's summary.json as the typed record the job wrote it from. */
  public static RunSummary summary(Path run) throws IOException {
    return RunSummary.fromJson(Files.readString(run.resolve("summary.json")));
  }

  /** A finished run's counts, from its summary.json. */
  public static RunSummary.Counts counts(Path output) throws Exception {
    return summary(output).counts();
  }
}
