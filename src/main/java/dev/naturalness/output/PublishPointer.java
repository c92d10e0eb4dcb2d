package dev.naturalness.output;

import dev.naturalness.config.ConfigError;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Messages;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The publish pointer (output.publish-pointer, e.g. .../LATEST): a small file naming the last run
 * that finished. Read before a run starts (what was published, and that this run does not write
 * over it), and written only once the run's summary.json is there.
 */
public final class PublishPointer {
  private final Settings.Output output;
  private final Configuration hadoop;

  private PublishPointer(Settings.Output output, Configuration hadoop) {
    this.output = output;
    this.hadoop = hadoop;
  }

  public static PublishPointer of(Settings.Output output, Configuration hadoop) {
    return new PublishPointer(output, hadoop);
  }

  /**
   * The run the pointer names now (null: no pointer configured, or none written yet); refuses an
   * output.path that is that run: a published run is never rewritten.
   */
  public String named() {
    if (output.publishPointer().isEmpty()) {
      return null;
    }
    Path pointer = new Path(output.publishPointer());
    try {
      FileSystem fs = pointer.getFileSystem(hadoop);
      if (!fs.exists(pointer)) {
        return null;
      }
      String named = Outputs.read(fs, pointer).trim();
      if (!named.isEmpty() && sameDirectory(named, output.path())) {
        throw new ConfigError(
            "output.path "
                + output.path()
                + " is the run that "
                + output.publishPointer()
                + " publishes; a published run is never rewritten: give this run a directory of"
                + " its own");
      }
      return named.isEmpty() ? null : named;
    } catch (IOException e) {
      throw new ConfigError(
          "output.publish-pointer "
              + pointer
              + " cannot be read: "
              + Messages.firstLine(e.getMessage()));
    }
  }

  /** Points readers at a run that has written its summary.json (nothing when none configured). */
  public void publish(String run) throws IOException {
    if (!output.publishPointer().isEmpty()) {
      Outputs.writeFile(output.publishPointer(), run + "\n", hadoop);
    }
  }

  private boolean sameDirectory(String a, String b) throws IOException {
    Path pa = new Path(a);
    Path pb = new Path(b);
    return pa.getFileSystem(hadoop)
        .makeQualified(pa)
        .equals(pb.getFileSystem(hadoop).makeQualified(pb));
  }
}
