package dev.naturalness;

import dev.naturalness.config.Settings;
import dev.naturalness.config.SettingsLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's command line for tests: {@code --set key=value} pairs built one call at a time, so that a
 * test says what it changes and nothing else.
 */
public final class JobArgs {
  private final List<String> args = new ArrayList<>();

  private JobArgs() {}

  /** No settings yet. */
  public static JobArgs none() {
    return new JobArgs();
  }

  /**
   * A run of the demo student on {@code input} into {@code output}, with a small bootstrap and a
   * quick progress line (what most tests want).
   */
  public static JobArgs demo(Path input, Path output) {
    return new JobArgs()
        .set("input.path", input)
        .set("output.path", output)
        .set("student.path", DemoStudent.DIR)
        .set("teachers.bootstrap-samples", 200)
        .set("progress.interval-seconds", 0.5);
  }

  public JobArgs set(String key, Object value) {
    args.add("--set");
    args.add(key + "=" + value);
    return this;
  }

  /** Settings written as {@code key=value}. */
  public JobArgs sets(String... keyValues) {
    for (String kv : keyValues) {
      args.add("--set");
      args.add(kv);
    }
    return this;
  }

  /** The command line's own flag for a plan-only run. */
  public JobArgs planOnly() {
    args.add("--plan-only");
    return this;
  }

  public JobArgs config(Path file) {
    args.add("--config");
    args.add(file.toString());
    return this;
  }

  public String[] toArray() {
    return args.toArray(new String[0]);
  }

  public List<String> toList() {
    return List.copyOf(args);
  }

  /** The settings these arguments resolve to. */
  public Settings.Job settings() {
    return SettingsLoader.fromArgs(toArray());
  }
}
