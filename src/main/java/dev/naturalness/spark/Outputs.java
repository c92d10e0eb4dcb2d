package dev.naturalness.spark;

import dev.naturalness.config.ConfigError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * The output directory: tables as Parquet or JSON Lines, small files (summary.json, report.html)
 * through the Hadoop filesystem so that s3a:// works the same. A run marks the directory as its own
 * first and removes an earlier summary.json, so a directory has a summary.json only when its last
 * run finished.
 */
public final class Outputs {
  /** Marks a directory as a naturalness output, so that a later run may replace it. */
  public static final String MARKER = "_naturalness";

  public static final String SUMMARY = "summary.json";

  private final Path root;
  private final String format;
  private final Configuration hadoop;

  public Outputs(String path, String format, Configuration hadoop) {
    this.root = new Path(path);
    this.format = format;
    this.hadoop = hadoop;
  }

  /**
   * Refuses a directory that exists, holds files and is not an earlier run's output; otherwise
   * claims it: writes the marker and removes an earlier summary.json.
   */
  public void claim(String runDescription) {
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (fs.exists(root)) {
        FileStatus status = fs.getFileStatus(root);
        if (!status.isDirectory()) {
          throw new ConfigError(
              "output.path " + root + " is a file; it must be a directory (or not exist)");
        }
        boolean empty = fs.listStatus(root).length == 0;
        boolean ours = fs.exists(new Path(root, MARKER)) || fs.exists(new Path(root, SUMMARY));
        if (!empty && !ours) {
          throw new ConfigError(
              "output.path "
                  + root
                  + " exists and is not the output of an earlier run; "
                  + "choose another output.path or remove it");
        }
        fs.delete(new Path(root, SUMMARY), false);
      }
      writeText(MARKER, runDescription);
    } catch (IOException e) {
      throw new ConfigError("output.path " + root + " cannot be written: " + e.getMessage());
    }
  }

  public String path(String name) {
    return new Path(root, name).toString();
  }

  public void writeTable(Dataset<Row> table, String name) {
    var writer = table.write().mode(SaveMode.Overwrite);
    if (format.equals("json")) {
      writer.json(path(name));
    } else {
      writer.parquet(path(name));
    }
  }

  /** Writes a small file at any Hadoop path. */
  public static void writeFile(String path, String text, Configuration hadoop) throws IOException {
    Path file = new Path(path);
    FileSystem fs = file.getFileSystem(hadoop);
    fs.setWriteChecksum(false);
    try (OutputStream out = fs.create(file, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  public void writeText(String name, String text) throws IOException {
    writeFile(new Path(root, name).toString(), text, hadoop);
  }
}
