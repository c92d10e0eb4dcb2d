package dev.naturalness.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.config.ConfigError;
import dev.naturalness.config.Settings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.Type;

/**
 * Checks on the driver, before Spark starts, that the input exists, holds data, and has the
 * required columns (from the first Parquet footer, or the first JSON lines), so that a wrong path
 * or column name costs a second, not a cluster start.
 */
public final class InputPreflight {
  private static final int JSON_LINES_SAMPLED = 200;

  /** What the preflight found. */
  public record Found(String format, List<String> files, Set<String> columns) {}

  private InputPreflight() {}

  public static Found check(Settings.Input input, Configuration hadoop) {
    Path root = new Path(input.path());
    List<FileStatus> files = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        throw new ConfigError("input.path " + input.path() + " does not exist");
      }
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        LocatedFileStatus f = it.next();
        String name = f.getPath().getName();
        if (!name.startsWith("_") && !name.startsWith(".") && f.getLen() > 0 && !hiddenParent(root, f.getPath())) {
          files.add(f);
        }
      }
      if (files.isEmpty()) {
        throw new ConfigError("input.path " + input.path() + " holds no data (no non-empty files)");
      }
      files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
      String format = format(input.format(), fs, files.get(0).getPath());
      Set<String> columns = format.equals("parquet") ? parquetColumns(hadoop, files.get(0).getPath()) : jsonColumns(fs, files);
      requireColumns(input.columns(), columns);
      List<String> names = new ArrayList<>();
      for (FileStatus f : files) {
        names.add(f.getPath().toString());
      }
      return new Found(format, names, columns);
    } catch (IOException e) {
      throw new ConfigError("input.path " + input.path() + " cannot be read: " + e.getMessage());
    }
  }

  /** The missing-column message, shared with the full schema check after Spark reads. */
  static void requireColumns(Settings.Columns c, Set<String> found) {
    for (String[] kv : List.of(new String[] {"prompt_id", c.promptId()}, new String[] {"prompt", c.prompt()},
        new String[] {"teacher", c.teacher()}, new String[] {"response", c.response()})) {
      if (!found.contains(kv[1])) {
        throw new ConfigError("input column '" + kv[1] + "' is missing; found " + new ArrayList<>(found)
            + "; set input.columns." + kv[0]);
      }
    }
  }

  private static boolean hiddenParent(Path root, Path file) {
    for (Path p = file.getParent(); p != null && !p.equals(root) && p.depth() > root.depth(); p = p.getParent()) {
      if (p.getName().startsWith("_") || p.getName().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String format(String setting, FileSystem fs, Path first) throws IOException {
    if (!setting.equals("auto")) {
      return setting;
    }
    String name = first.getName().toLowerCase(Locale.ROOT);
    if (name.endsWith(".parquet")) {
      return "parquet";
    }
    if (name.matches(".*\\.(json|jsonl|ndjson)(\\.gz)?")) {
      return "json";
    }
    byte[] magic = new byte[4];
    try (InputStream in = fs.open(first)) {
      int n = in.readNBytes(magic, 0, 4);
      return n == 4 && new String(magic, StandardCharsets.US_ASCII).equals("PAR1") ? "parquet" : "json";
    }
  }

  private static Set<String> parquetColumns(Configuration hadoop, Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
      Set<String> names = new LinkedHashSet<>();
      for (Type t : reader.getFooter().getFileMetaData().getSchema().getFields()) {
        names.add(t.getName());
      }
      return names;
    }
  }

  private static Set<String> jsonColumns(FileSystem fs, List<FileStatus> files) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    Set<String> names = new LinkedHashSet<>();
    Path first = files.get(0).getPath();
    InputStream raw = fs.open(first);
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(
        first.getName().endsWith(".gz") ? new GZIPInputStream(raw) : raw, StandardCharsets.UTF_8))) {
      int seen = 0;
      for (String line = lines.readLine(); line != null && seen < JSON_LINES_SAMPLED; line = lines.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        seen++;
        try {
          JsonNode node = mapper.readTree(line);
          for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
          }
        } catch (IOException e) {
          // A broken line becomes an error row later; it says nothing about the columns.
        }
      }
    }
    return names;
  }
}
