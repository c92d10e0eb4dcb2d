package dev.naturalness.output;

import dev.naturalness.data.Messages;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The work area a scoring run keeps beside its outputs, {@code <output.path>/_resume/}: every
 * scoring task that ends commits the score parts it made there as one Parquet file ({@code parts/},
 * renamed into place whole from {@code _staging/}), so that a rerun after the driver was killed
 * reuses them and scores only the rest. The area is keyed by the corpus it was made from (its
 * files' paths, sizes and modification times): a rerun on a changed corpus removes it rather than
 * mix it in. Which parts a rerun may take is decided as for the incremental cache, by each part's
 * hash of what it depends on, so a changed setting reuses nothing it affects. A run that publishes
 * removes the area: what it kept is then in the outputs (and in the cache, when there is one).
 */
public final class ResumeArea {
  /** The area's directory in the output. */
  public static final String DIRECTORY = "_resume";

  static final String KEY_FILE = "_resume.json";
  static final String PARTS = "parts";
  static final String STAGING = "_staging";

  /** The exact check's scores: in the area (removed with it), never among the reusable parts. */
  static final String CHECK = "exact-check";

  private static final String SIGNATURE = "\"written_by\": \"naturalness\"";

  /**
   * Where the tasks of one scoring stage commit: the directories, and a prefix that makes each
   * task's file name unique to the run and the student.
   */
  public record Target(String parts, String staging, String prefix) implements Serializable {
    /** A task's file name: its partition, and the stage and attempt that ran it. */
    public String file(int partition, int stage, int attempt) {
      return String.format(
          Locale.ROOT, "%s-p%05d-st%d-a%d.parquet", prefix, partition, stage, attempt);
    }
  }

  private final Path root;
  private final Configuration hadoop;

  public ResumeArea(String outputPath, Configuration hadoop) {
    this.root = new Path(outputPath, DIRECTORY);
    this.hadoop = hadoop;
  }

  public String path() {
    return root.toString();
  }

  /** Where a run's tasks commit for one student (by its place in the run's students). */
  public Target target(String runId, int student) {
    return new Target(
        new Path(root, PARTS).toString(),
        new Path(root, STAGING).toString(),
        "run-" + runId + "-s" + student);
  }

  /**
   * Where the exact check's scoring tasks of the run's {@code student}-th student write: beside the
   * parts a rerun reuses, never among them (a rerun scores its check again).
   */
  public Target checkTarget(String runId, int student) {
    return new Target(
        new Path(root, CHECK).toString(),
        new Path(root, STAGING).toString(),
        "check-" + runId + "-s" + student);
  }

  /**
   * The key of a corpus: a sha256 of its files' paths, sizes and modification times. A file
   * rewritten since changes it.
   */
  public static String corpusKey(List<String> files, Configuration hadoop) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String f : files) {
      Path p = new Path(f);
      FileStatus s = p.getFileSystem(hadoop).getFileStatus(p);
      lines.add(s.getPath() + "\t" + s.getLen() + "\t" + s.getModificationTime());
    }
    lines.sort(Comparator.naturalOrder());
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (String line : lines) {
        d.update((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Opens the area for a run of the corpus {@code key}: the files committed by earlier runs of the
   * same corpus. An area of another corpus, or one that is not the job's, is removed (a run that
   * may write, {@code mayWrite}) or ignored (a plan-only run), and told to {@code tell} in one
   * line.
   */
  public List<String> open(String key, boolean mayWrite, Consumer<String> tell) throws IOException {
    FileSystem fs = root.getFileSystem(hadoop);
    if (fs.exists(root)) {
      String kept = keyOf(fs);
      if (key.equals(kept)) {
        return committed(fs);
      }
      String why =
          kept == null
              ? "holds no key of the corpus it was made from"
              : "was left by a run of another corpus (its files changed since)";
      if (!mayWrite) {
        tell.accept("work area " + root + " " + why + "; this plan does not count on it");
        return List.of();
      }
      tell.accept("work area " + root + " " + why + "; removed, nothing of it is reused");
      fs.delete(root, true);
    }
    if (mayWrite) {
      Outputs.writeFile(
          new Path(root, KEY_FILE).toString(),
          "{" + SIGNATURE + ", \"kind\": \"resume\", \"corpus\": \"" + key + "\"}\n",
          hadoop);
    }
    return List.of();
  }

  /** Removes the area (a run that published); a failure is told, never fatal. */
  public void remove(Consumer<String> tell) {
    try {
      root.getFileSystem(hadoop).delete(root, true);
    } catch (IOException e) {
      tell.accept(
          "work area "
              + root
              + " could not be removed ("
              + Messages.firstLine(e.getMessage())
              + "); the next run of another corpus removes it");
    }
  }

  private String keyOf(FileSystem fs) throws IOException {
    Path file = new Path(root, KEY_FILE);
    if (!fs.exists(file)) {
      return null;
    }
    try (InputStream in = fs.open(file)) {
      String text = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      int at = text.indexOf("\"corpus\": \"");
      if (!text.contains(SIGNATURE) || at < 0) {
        return null;
      }
      int from = at + "\"corpus\": \"".length();
      return text.substring(from, text.indexOf('"', from));
    }
  }

  private List<String> committed(FileSystem fs) throws IOException {
    Path parts = new Path(root, PARTS);
    List<String> out = new ArrayList<>();
    if (fs.exists(parts)) {
      for (FileStatus f : fs.listStatus(parts)) {
        String name = f.getPath().getName();
        if (f.isFile() && name.endsWith(".parquet") && !name.startsWith(".")) {
          out.add(f.getPath().toString());
        }
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }
}
