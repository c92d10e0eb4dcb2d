package dev.naturalness.spark;

import dev.naturalness.config.ConfigError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * The output directory: tables as Parquet or JSON Lines, small files (summary.json, report.html)
 * through the Hadoop filesystem so that s3a:// works the same.
 *
 * <p>A directory is this job's when it holds the marker file only this job writes; a run claims an
 * empty or missing directory, or one of its own, and removes an earlier summary.json first, so a
 * directory has a summary.json only when its last run finished. Small files are written whole or
 * not at all (a temporary file renamed into place; on S3 a single PUT), and a symbolic link inside
 * the output is replaced, never followed.
 */
public final class Outputs {
  /** Marks a directory as a naturalness output, so that a later run may replace it. */
  public static final String MARKER = "_naturalness";

  public static final String SUMMARY = "summary.json";
  static final String MARKER_SIGNATURE = "\"written_by\": \"naturalness\"";

  private final Path root;
  private final String format;
  private final Configuration hadoop;

  public Outputs(String path, String format, Configuration hadoop) {
    this.root = new Path(path);
    this.format = format;
    this.hadoop = hadoop;
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
          "output.path " + root + " cannot be read: " + InputPreflight.firstLine(e.getMessage()));
    }
  }

  private boolean isOurs(FileSystem fs) throws IOException {
    Path marker = new Path(root, MARKER);
    if (!fs.exists(marker) || !fs.getFileStatus(marker).isFile()) {
      return false;
    }
    try (var in = fs.open(marker)) {
      // Markers of earlier versions of the job name the run's config hash but not the writer.
      String text = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      return text.contains(MARKER_SIGNATURE) || text.contains("\"config_hash\"");
    }
  }

  /** Claims the directory for this run: writes the marker and removes an earlier summary.json. */
  public void claim(String started, String configHash) {
    writeMarker(started, configHash, true);
  }

  /**
   * Marks the directory as this job's without touching what an earlier run left (a plan-only run
   * writes plan.json beside an earlier run's outputs).
   */
  public void mark(String started, String configHash) {
    writeMarker(started, configHash, false);
  }

  private void writeMarker(String started, String configHash, boolean removeSummary) {
    checkClaimable();
    try {
      if (removeSummary) {
        root.getFileSystem(hadoop).delete(new Path(root, SUMMARY), false);
      }
      writeText(
          MARKER,
          "{"
              + MARKER_SIGNATURE
              + ", \"started\": \""
              + started
              + "\", \"config_hash\": \""
              + configHash
              + "\"}\n");
    } catch (IOException e) {
      throw new ConfigError(
          "output.path "
              + root
              + " cannot be written: "
              + InputPreflight.firstLine(e.getMessage()));
    }
  }

  public Configuration configuration() {
    return hadoop;
  }

  public String path(String name) {
    return new Path(root, name).toString();
  }

  public void writeTable(Dataset<Row> table, String name) throws IOException {
    replaceLink(name);
    var writer = table.write().mode(SaveMode.Overwrite);
    if (format.equals("json")) {
      // Null fields kept: every JSON line has every column, as a Parquet row does.
      writer.option("ignoreNullFields", "false").json(path(name));
    } else {
      writer.parquet(path(name));
    }
  }

  /** Writes a small file under the output, whole or not at all, never through a link. */
  public void writeText(String name, String text) throws IOException {
    replaceLink(name);
    writeFile(path(name), text, hadoop);
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
    org.apache.hadoop.fs.FileContext.getFileContext(file.toUri(), hadoop)
        .rename(temporary, file, org.apache.hadoop.fs.Options.Rename.OVERWRITE);
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
