package dev.naturalness.output;

import dev.naturalness.config.ConfigError;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Messages;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
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

  /** The most a pointer the job writes can hold: one line naming a run's directory. */
  static final int MAX_BYTES = 4096;

  /**
   * The run the pointer names now (null: no pointer configured, or none written yet); refuses an
   * output.path that is that run (a published run is never rewritten) and a file at the pointer's
   * path that is not a pointer, which the run would otherwise overwrite.
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
      String named = recognised(fs, pointer);
      if (sameDirectory(named, output.path())) {
        throw new ConfigError(
            "output.path "
                + output.path()
                + " is the run that "
                + output.publishPointer()
                + " publishes; a published run is never rewritten: give this run a directory of"
                + " its own");
      }
      return named;
    } catch (IOException e) {
      throw new ConfigError(
          "output.publish-pointer "
              + pointer
              + " cannot be read: "
              + Messages.firstLine(e.getMessage()));
    }
  }

  /**
   * The run a file the job wrote as a pointer names: at most {@link #MAX_BYTES}, one line ending in
   * a newline, an absolute path to a directory that holds a run's marker. Anything else is refused,
   * naming what it is, and left as it is.
   */
  private String recognised(FileSystem fs, Path pointer) throws IOException {
    FileStatus status = fs.getFileStatus(pointer);
    String why = null;
    String named = null;
    if (status.isDirectory()) {
      why = "is a directory";
    } else if (status.getLen() > MAX_BYTES) {
      why =
          "holds " + status.getLen() + " bytes (a pointer is one line, at most " + MAX_BYTES + ")";
    } else {
      String text = Outputs.read(fs, pointer);
      named = text.endsWith("\n") ? text.substring(0, text.length() - 1) : null;
      if (named == null || named.isEmpty() || named.contains("\n") || named.contains("\r")) {
        why = "is not one line naming a run";
      } else if (!absolute(named)) {
        why = "does not name a run's directory by an absolute path";
      } else {
        Path run = new Path(named);
        FileSystem runFs = run.getFileSystem(hadoop);
        if (!runFs.exists(run)) {
          why = "names " + named + ", which is not there (removed?)";
        } else if (!Outputs.isRun(runFs, run)) {
          why = "names " + named + ", which has no " + Outputs.MARKER + " marker of a run";
        }
      }
    }
    if (why != null) {
      throw new ConfigError(
          "output.publish-pointer "
              + pointer
              + " "
              + why
              + ": it is not a pointer this job wrote, and it is left as it is; point"
              + " output.publish-pointer at a new file, or remove this one to start afresh");
    }
    return named;
  }

  private static boolean absolute(String named) {
    try {
      Path p = new Path(named);
      return p.isAbsolute() || p.toUri().getScheme() != null;
    } catch (IllegalArgumentException e) {
      return false;
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
