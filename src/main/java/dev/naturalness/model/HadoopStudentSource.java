package dev.naturalness.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A student directory at a Hadoop path (s3a://, hdfs://, file:). */
public final class HadoopStudentSource implements StudentStore.Source {
  private final Path directory;
  private final Configuration hadoop;

  public HadoopStudentSource(String directory, Configuration hadoop) {
    this.directory = new Path(directory);
    this.hadoop = hadoop;
  }

  /**
   * A Hadoop configuration with the given settings over the defaults (executors build theirs so).
   */
  public static Configuration configuration(Map<String, String> settings) {
    Configuration c = new Configuration();
    settings.forEach(c::set);
    return c;
  }

  @Override
  public List<String> files() throws IOException {
    FileSystem fs = directory.getFileSystem(hadoop);
    if (!fs.exists(directory)) {
      throw new IOException("student directory " + directory + " does not exist; set student.path");
    }
    List<String> names = new ArrayList<>();
    for (FileStatus f : fs.listStatus(directory)) {
      if (f.isFile() && !f.getPath().getName().startsWith(".")) {
        names.add(f.getPath().getName());
      }
    }
    return names;
  }

  @Override
  public InputStream open(String file) throws IOException {
    return directory.getFileSystem(hadoop).open(new Path(directory, file));
  }

  /** A small file's bytes. */
  public byte[] read(String file) throws IOException {
    try (InputStream in = open(file)) {
      return in.readAllBytes();
    }
  }

  @Override
  public String describe() {
    return directory.toString();
  }
}
