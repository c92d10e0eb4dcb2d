package dev.naturalness.output;

import dev.naturalness.config.ConfigError;
import dev.naturalness.config.OutputFormat;
import dev.naturalness.data.Messages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options.Rename;
import org.apache.hadoop.fs.Path;

/**
 * The output directory's protocol: what makes a directory the job's, which run may write it, and
 * how its files are written.
 *
 * <p>A directory is this job's when it holds the marker file only this job writes ({@value
 * #MARKER}); a run claims an empty or missing directory, or one of the job's, and first removes
 * what told readers an earlier run had finished there (summary.json, the report), so a directory
 * has a summary.json only when its last run finished. One run at a time: the claim takes the run
 * lock ({@link RunLock}) and names the run in the marker, and before it publishes a run checks that
 * both are still its own. Small files are written whole or not at all (a temporary file renamed
 * into place; on S3 a single PUT), and a symbolic link inside the output is replaced, never
 * followed.
 */
public final class Outputs {
  /** Marks a directory as a naturalness output, so that a later run may replace it. */
  public static final String MARKER = "_naturalness";

  public static final String SUMMARY = "summary.json";
  public static final String REPORT = "report.html";
  public static final String REPORT_DATA = "report_data";

  /**
   * Where a run draws its report before it publishes: readers never take a report here for a
   * finished run's.
   */
  public static final String REPORT_STAGING = "_report";

  /**
   * What a finished run leaves for readers, and what an unfinished one may have left, removed when
   * a new run claims the directory.
   */
  /** The training data made from the selection (output.export), one directory per format. */
  public static final String EXPORT = "export";

  static final List<String> REMOVED_ON_CLAIM =
      List.of(SUMMARY, REPORT, REPORT_DATA, REPORT_STAGING, EXPORT);

  static final String MARKER_SIGNATURE = "\"written_by\": \"naturalness\"";

  private final Path root;
  private final OutputFormat format;
  private final Configuration hadoop;

  public Outputs(String path, OutputFormat format, Configuration hadoop) {
    this.root = new Path(path);
    this.format = format;
    this.hadoop = hadoop;
  }

  public OutputFormat format() {
    return format;
  }

  /**
   * Fails unless the directory is missing, empty, or an earlier run's (it holds this job's marker).
   */
  public void checkClaimable() {
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        return;
      }
      FileStatus status = fs.getFileStatus(root);
      if (!status.isDirectory()) {
        throw new ConfigError(
            "output.path " + root + " is a file; it must be a directory (or not exist)");
      }
      if (fs.listStatus(root).length > 0 && !isOurs(fs)) {
        throw new ConfigError(
            "output.path "
                + root
                + " exists and is not the output of an earlier run; "
                + "choose another output.path or remove it");
      }
    } catch (IOException e) {
      throw new ConfigError(
          "output.path " + root + " cannot be read: " + Messages.firstLine(e.getMessage()));
    }
  }

  private boolean isOurs(FileSystem fs) throws IOException {
    if (fs.exists(new Path(root, RunLock.FILE))) {
      return true; // a run has it now (whether that run may be replaced is the lock's question)
    }
    return isRun(fs, root);
  }

  /** Whether {@code dir} holds a run's marker: a directory this job wrote. */
  static boolean isRun(FileSystem fs, Path dir) throws IOException {
    Path marker = new Path(dir, MARKER);
    if (!fs.exists(marker) || !fs.getFileStatus(marker).isFile()) {
      return false;
    }
    // Markers of earlier versions of the job name the run's config hash but not the writer.
    String text = read(fs, marker);
    return text.contains(MARKER_SIGNATURE) || text.contains("\"config_hash\"");
  }

  /**
   * Claims the directory for one run: takes the run lock (refused in one line while another run
   * holds it), names the run in the marker and, for a scoring run, removes what an earlier run left
   * for readers. A plan-only run ({@code replacesOutputs} false) leaves an earlier run's outputs.
   */
  public RunLock claim(String runId, String started, String configHash, boolean replacesOutputs) {
    checkClaimable();
    RunLock lock = RunLock.acquire(this, runId, started);
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (replacesOutputs) {
        for (String name : REMOVED_ON_CLAIM) {
          fs.delete(new Path(root, name), true);
        }
      }
      writeText(
          MARKER,
          "{"
              + MARKER_SIGNATURE
              + ", \"run_id\": \""
              + runId
              + "\", \"started\": \""
              + started
              + "\", \"config_hash\": \""
              + configHash
              + "\"}\n");
      return lock;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw new ConfigError(
          "output.path " + root + " cannot be written: " + Messages.firstLine(e.getMessage()));
    }
  }

  /**
   * Fails unless the marker still names this run: on a store without exclusive creation another run
   * may have claimed the directory since.
   */
  public void checkMarkerIsOurs(String runId) throws IOException {
    Path marker = new Path(root, MARKER);
    FileSystem fs = root.getFileSystem(hadoop);
    String text = fs.exists(marker) ? read(fs, marker) : "";
    if (!text.contains("\"run_id\": \"" + runId + "\"")) {
      throw new RunLock.LostClaim(
          "output.path "
              + root
              + " was claimed by another run (its "
              + MARKER
              + " no longer names run "
              + runId
              + "); this run publishes nothing");
    }
  }

  public Configuration configuration() {
    return hadoop;
  }

  public Path root() {
    return root;
  }

  public String path(String name) {
    return new Path(root, within(name)).toString();
  }

  /**
   * A name under the output, refused when it could reach outside it (absolute, or with a '..' or
   * empty segment): every file the job writes is named relative to output.path, and some names hold
   * values the job read (a student's name).
   */
  static String within(String name) {
    boolean escapes = name.isEmpty() || name.startsWith("/") || name.contains("\\");
    for (String segment : name.split("/", -1)) {
      escapes |= segment.isEmpty() || segment.equals("..") || segment.equals(".");
    }
    if (escapes) {
      throw new IllegalArgumentException(
          "'" + name + "' is not a plain relative name under the output; nothing is written there");
    }
    return name;
  }

  /**
   * The path a table is written to, once a symbolic link standing there has been removed (a table
   * writer then writes it whole).
   */
  public String tablePath(String name) throws IOException {
    replaceLink(name);
    return path(name);
  }

  /** Writes a small file under the output, whole or not at all, never through a link. */
  public void writeText(String name, String text) throws IOException {
    replaceLink(name);
    writeFile(path(name), text, hadoop);
  }

  /** Moves a file or directory of the output to another name, replacing what is there. */
  public void move(String from, String to) throws IOException {
    FileSystem fs = root.getFileSystem(hadoop);
    replaceLink(to);
    Path target = new Path(root, within(to));
    fs.delete(target, true);
    if (!fs.rename(new Path(root, within(from)), target)) {
      throw new IOException("cannot move " + path(from) + " to " + target);
    }
  }

  /**
   * Moves the report drawn under {@link #REPORT_STAGING} into place, its data first and the page
   * last: what a run does just after it writes summary.json, so that nothing a reader could take
   * for a finished run's (a report, a copy of the summary) is there before summary.json.
   */
  public void publishReport() throws IOException {
    FileSystem fs = root.getFileSystem(hadoop);
    if (fs.exists(new Path(root, REPORT_STAGING + "/" + REPORT_DATA))) {
      move(REPORT_STAGING + "/" + REPORT_DATA, REPORT_DATA);
    }
    if (fs.exists(new Path(root, REPORT_STAGING + "/" + REPORT))) {
      move(REPORT_STAGING + "/" + REPORT, REPORT);
    }
    remove(REPORT_STAGING);
  }

  /** Removes a file or directory of the output, if it is there. */
  public void remove(String name) throws IOException {
    root.getFileSystem(hadoop).delete(new Path(root, within(name)), true);
  }

  /**
   * Writes a small file at any Hadoop path, whole or not at all: on S3 a single PUT (an object
   * appears only once its upload completes); elsewhere a temporary file beside it, renamed into
   * place, which replaces the file (or a link) without following it.
   */
  public static void writeFile(String path, String text, Configuration hadoop) throws IOException {
    Path file = new Path(path);
    FileSystem fs = file.getFileSystem(hadoop);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    String scheme = fs.getUri().getScheme();
    if ("s3a".equals(scheme) || "s3".equals(scheme)) {
      fs.setWriteChecksum(false);
      try (OutputStream out = fs.create(file, true)) {
        out.write(bytes);
      }
      return;
    }
    if ("file".equals(scheme)) {
      java.nio.file.Path target = java.nio.file.Path.of(file.toUri().getPath());
      Files.createDirectories(target.getParent());
      java.nio.file.Path temporary =
          target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
      Files.write(temporary, bytes);
      try {
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return;
    }
    Path temporary = new Path(file.getParent(), "." + file.getName() + ".tmp-" + UUID.randomUUID());
    fs.setWriteChecksum(false);
    try (OutputStream out = fs.create(temporary, false)) {
      out.write(bytes);
    }
    // HDFS renames atomically, replacing the target, when told to overwrite.
    FileContext.getFileContext(file.toUri(), hadoop).rename(temporary, file, Rename.OVERWRITE);
  }

  static String read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8);
    }
  }

  /**
   * On a local output, removes a symbolic link standing where {@code name} or one of its parent
   * directories (below the output's root) will be written, so that nothing outside the output is
   * written through it.
   */
  private void replaceLink(String name) throws IOException {
    FileSystem fs = root.getFileSystem(hadoop);
    if (!"file".equals(fs.getUri().getScheme())) {
      return;
    }
    java.nio.file.Path base = java.nio.file.Path.of(new Path(root.toUri()).toUri().getPath());
    java.nio.file.Path at = base;
    for (java.nio.file.Path part : java.nio.file.Path.of(name)) {
      at = at.resolve(part);
      if (Files.isSymbolicLink(at)) {
        Files.delete(at);
      }
      if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
        break;
      }
    }
  }
}
