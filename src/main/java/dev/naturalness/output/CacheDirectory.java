package dev.naturalness.output;

import dev.naturalness.config.ConfigError;
import dev.naturalness.data.Fields;
import dev.naturalness.data.Messages;
import dev.naturalness.data.ScorePart;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incremental cache's directory ({@code incremental.cache}), as the job owns it: a marker file
 * that only this job writes, and versions {@code v=<start>-<run id>/} of stored score parts, each
 * complete once it has {@code _SUCCESS}. A directory that holds anything but has no marker is not
 * the job's: it is refused before Spark starts and nothing in it is touched.
 *
 * <p>Before Spark starts, every file of every complete version has its Parquet footer read: a file
 * that cannot be read (cut short, not Parquet) or holds other columns is reported in one line and
 * left out, so its responses are scored again; it is never served and never stops a run. A run
 * reads every complete version (two runs at once each leave one), writes their union with its own
 * scores as a new version, then removes the versions it read, and no other.
 */
public final class CacheDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(CacheDirectory.class);

  /** The marker only this job writes. */
  public static final String MARKER = "_naturalness_cache";

  private static final String SIGNATURE = "\"written_by\": \"naturalness\"";
  private static final String SUCCESS = "_SUCCESS";
  private static final int FOOTER_THREADS = 8;

  /** A version left without _SUCCESS for this long is a dead run's, and is removed. */
  static final long ABANDONED_MILLIS = 7L * 24 * 3600 * 1000;

  /**
   * A complete version, its files whose footers hold the cache's columns, and the rows each footer
   * counts.
   */
  public record Version(String path, List<String> files, Map<String, Long> rows) {}

  /**
   * What the cache holds: its complete versions (newest first) and the files left out, each with
   * why.
   */
  public record Contents(List<Version> versions, List<String> leftOut) {
    public static final Contents EMPTY = new Contents(List.of(), List.of());

    /** Every readable file of every version. */
    public List<String> files() {
      List<String> out = new ArrayList<>();
      versions.forEach(v -> out.addAll(v.files()));
      return out;
    }
  }

  /**
   * The columns every file of a version holds: the response, its text's hash, the part (less the
   * part's optional columns, which a file written before them lacks).
   */
  public static final List<String> COLUMNS = columns();

  private final Path root;
  private final Configuration hadoop;

  public CacheDirectory(String path, Configuration hadoop) {
    this.root = new Path(path);
    this.hadoop = hadoop;
  }

  private static List<String> columns() {
    List<String> c = new ArrayList<>(List.of(Fields.RESPONSE_ID, TEXT_SHA));
    c.addAll(ScorePart.COLUMNS);
    c.removeAll(ScorePart.OPTIONAL);
    return List.copyOf(c);
  }

  /** The column that holds the sha256 of the text a part was scored on. */
  public static final String TEXT_SHA = "text_sha";

  public String path() {
    return root.toString();
  }

  /**
   * Checks the directory before Spark starts: missing or empty, or the job's (its marker); then
   * reads the versions' footers. Refuses a directory that is not the job's in one line.
   */
  public Contents check() {
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        return Contents.EMPTY;
      }
      if (!fs.getFileStatus(root).isDirectory()) {
        throw new ConfigError(
            "incremental.cache " + root + " is a file; it must be a directory (or not exist)");
      }
      FileStatus[] entries = fs.listStatus(root);
      if (entries.length == 0) {
        return Contents.EMPTY;
      }
      if (!isOurs(fs) && !writtenBeforeMarkers(fs, entries)) {
        throw new ConfigError(
            "incremental.cache "
                + root
                + " holds files but no "
                + MARKER
                + " marker, so it is not a cache this job wrote; nothing in it was touched: give"
                + " incremental.cache an empty directory (or one of its own)");
      }
      Contents contents = read(fs, entries);
      contents.leftOut().forEach(why -> LOG.warn("incremental cache {}: {}", root, why));
      return contents;
    } catch (IOException e) {
      throw new ConfigError(
          "incremental.cache " + root + " cannot be read: " + Messages.firstLine(e.getMessage()));
    }
  }

  private boolean isOurs(FileSystem fs) throws IOException {
    Path marker = new Path(root, MARKER);
    if (!fs.exists(marker) || !fs.getFileStatus(marker).isFile()) {
      return false;
    }
    try (InputStream in = fs.open(marker)) {
      return new String(in.readNBytes(4096), StandardCharsets.UTF_8).contains(SIGNATURE);
    }
  }

  /**
   * A cache of a version of the job that wrote no marker: nothing but complete versions named
   * {@code v=<digits>}, every file of them the cache's. It is taken as the job's (the marker is
   * added when the run claims it).
   */
  private boolean writtenBeforeMarkers(FileSystem fs, FileStatus[] entries) throws IOException {
    for (FileStatus e : entries) {
      if (!e.isDirectory() || !e.getPath().getName().matches("v=\\d+")) {
        return false;
      }
    }
    Contents contents = read(fs, entries);
    boolean ours = contents.leftOut().isEmpty() && contents.versions().size() == entries.length;
    if (ours) {
      LOG.info(
          "incremental cache {} was written before caches had a marker: taken as the job's", root);
    }
    return ours;
  }

  /** Creates the directory and its marker when they are missing (a run that will write it). */
  public void claim(String runId) {
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(new Path(root, MARKER))) {
        Outputs.writeFile(
            new Path(root, MARKER).toString(),
            "{"
                + SIGNATURE
                + ", \"kind\": \"incremental-cache\", \"created_by\": \""
                + runId
                + "\"}\n",
            hadoop);
      }
    } catch (IOException e) {
      throw new ConfigError(
          "incremental.cache "
              + root
              + " cannot be written: "
              + Messages.firstLine(e.getMessage()));
    }
  }

  /** The directory a run writes its version to: named by its start, so that names sort by time. */
  public String newVersion(long startedMillis, String runId) {
    return new Path(root, String.format(Locale.ROOT, "v=%015d-%s", startedMillis, runId))
        .toString();
  }

  /**
   * Removes the versions a run read once it has written their union as a new one, and versions that
   * a dead run left unfinished long ago; never anything else.
   */
  public void removeRead(Contents read, String written) throws IOException {
    FileSystem fs = root.getFileSystem(hadoop);
    for (Version v : read.versions()) {
      if (!v.path().equals(written)) {
        fs.delete(new Path(v.path()), true);
      }
    }
    long now = System.currentTimeMillis();
    for (FileStatus f : fs.listStatus(root, p -> p.getName().startsWith("v="))) {
      if (f.isDirectory()
          && !f.getPath().toString().equals(written)
          && !fs.exists(new Path(f.getPath(), SUCCESS))
          && now - f.getModificationTime() > ABANDONED_MILLIS) {
        fs.delete(f.getPath(), true);
      }
    }
  }

  private Contents read(FileSystem fs, FileStatus[] entries) throws IOException {
    List<FileStatus> complete = new ArrayList<>();
    for (FileStatus e : entries) {
      if (e.isDirectory()
          && e.getPath().getName().startsWith("v=")
          && fs.exists(new Path(e.getPath(), SUCCESS))) {
        complete.add(e);
      }
    }
    complete.sort(Comparator.comparing((FileStatus f) -> f.getPath().getName()).reversed());
    List<Version> versions = new ArrayList<>();
    List<String> leftOut = new ArrayList<>();
    for (FileStatus v : complete) {
      List<Path> files = new ArrayList<>();
      for (FileStatus f : fs.listStatus(v.getPath())) {
        String name = f.getPath().getName();
        if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
          files.add(f.getPath());
        }
      }
      files.sort(Comparator.naturalOrder());
      List<String> good = new ArrayList<>();
      Map<String, Long> rows = new HashMap<>();
      List<Footer> footers = footers(files);
      for (int i = 0; i < files.size(); i++) {
        String problem = footers.get(i).problem();
        if (problem == null) {
          good.add(files.get(i).toString());
          rows.put(files.get(i).getName(), footers.get(i).rows());
        } else {
          leftOut.add(
              files.get(i).getName()
                  + " in "
                  + v.getPath().getName()
                  + " "
                  + problem
                  + "; its responses are scored again");
        }
      }
      versions.add(new Version(v.getPath().toString(), good, rows));
    }
    return new Contents(versions, leftOut);
  }

  /** A file's footer: the rows it counts, or what is wrong with it (null when nothing). */
  private record Footer(long rows, String problem) {}

  /** Per file, its footer's rows when it holds the cache's columns, else what is wrong. */
  private List<Footer> footers(List<Path> files) throws IOException {
    if (files.isEmpty()) {
      return List.of();
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(FOOTER_THREADS, files.size()),
            r -> {
              Thread t = new Thread(r, "naturalness-cache-footers");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Footer>> checks = new ArrayList<>();
      for (Path f : files) {
        checks.add(pool.submit(() -> footer(f)));
      }
      List<Footer> out = new ArrayList<>();
      for (Future<Footer> c : checks) {
        out.add(c.get());
      }
      return out;
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the cache's footers", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private Footer footer(Path file) {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
      List<String> found =
          reader.getFooter().getFileMetaData().getSchema().getFields().stream()
              .map(Type::getName)
              .toList();
      if (!found.containsAll(COLUMNS)) {
        List<String> missing = new ArrayList<>(COLUMNS);
        missing.removeAll(found);
        missing.sort(Comparator.naturalOrder());
        return new Footer(0, "is not a file of this cache (it lacks " + missing + ")");
      }
      return new Footer(reader.getRecordCount(), null);
    } catch (IOException | RuntimeException e) {
      return new Footer(
          0, "is damaged (" + Messages.firstLine(String.valueOf(e.getMessage())) + ")");
    }
  }
}
