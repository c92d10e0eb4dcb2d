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
        if (!name.startsWith("_")
            && !name.startsWith(".")
            && f.getLen() > 0
            && !hiddenParent(root, f.getPath())) {
          files.add(f);
        }
      }
      if (files.isEmpty()) {
        throw new ConfigError("input.path " + input.path() + " holds no data (no non-empty files)");
      }
      files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
      String format = format(input.format(), fs, files.get(0).getPath());
      java.util.Map<String, String> types =
          format.equals("parquet")
              ? parquetColumns(hadoop, files.get(0).getPath())
              : jsonColumns(fs, files);
      Set<String> columns = types.keySet();
      requireColumns(input.columns(), columns);
      requireText(input.columns(), types);
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
    for (String[] kv : c.required()) {
      if (!found.contains(kv[1])) {
        throw new ConfigError(
            "input column '"
                + kv[1]
                + "' is missing; found "
                + new ArrayList<>(found)
                + "; set input.columns."
                + kv[0]);
      }
    }
  }

  /** Required columns must hold text: strings (JSON), or BINARY (Parquet, read as UTF-8). */
  private static void requireText(Settings.Columns c, java.util.Map<String, String> types) {
    for (String[] kv : c.required()) {
      String type = types.get(kv[1]);
      if (type != null && !type.equals("string")) {
        throw new ConfigError(
            "input column '"
                + kv[1]
                + "' (input.columns."
                + kv[0]
                + ") has type "
                + type
                + "; expected string");
      }
    }
  }

  private static boolean hiddenParent(Path root, Path file) {
    for (Path p = file.getParent();
        p != null && !p.equals(root) && p.depth() > root.depth();
        p = p.getParent()) {
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
      return n == 4 && new String(magic, StandardCharsets.US_ASCII).equals("PAR1")
          ? "parquet"
          : "json";
    }
  }

  /** Column -> "string" for text, else the Parquet type's name. */
  private static java.util.Map<String, String> parquetColumns(Configuration hadoop, Path file)
      throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
      java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
      for (Type t : reader.getFooter().getFileMetaData().getSchema().getFields()) {
        boolean text =
            t.isPrimitive()
                && t.asPrimitiveType().getPrimitiveTypeName()
                    == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
        names.put(
            t.getName(),
            text
                ? "string"
                : (t.isPrimitive()
                    ? t.asPrimitiveType().getPrimitiveTypeName().name().toLowerCase(Locale.ROOT)
                    : "group"));
      }
      return names;
    }
  }

  /** Column -> "string" when every sampled non-null value is a string, else the JSON type seen. */
  private static java.util.Map<String, String> jsonColumns(FileSystem fs, List<FileStatus> files)
      throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
    Path first = files.get(0).getPath();
    InputStream raw = fs.open(first);
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(
                first.getName().endsWith(".gz") ? new GZIPInputStream(raw) : raw,
                StandardCharsets.UTF_8))) {
      int seen = 0;
      for (String line = lines.readLine();
          line != null && seen < JSON_LINES_SAMPLED;
          line = lines.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        seen++;
        try {
          JsonNode node = mapper.readTree(line);
          for (Iterator<java.util.Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            java.util.Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String type =
                v.isNull()
                    ? "string"
                    : v.isTextual()
                        ? "string"
                        : v.isNumber()
                            ? "number"
                            : v.isBoolean() ? "boolean" : v.isArray() ? "array" : "object";
            names.merge(e.getKey(), type, (a, b) -> a.equals("string") ? b : a);
          }
        } catch (IOException e) {
          // A broken line becomes an error row later; it says nothing about the columns.
        }
      }
    }
    return names;
  }
}
