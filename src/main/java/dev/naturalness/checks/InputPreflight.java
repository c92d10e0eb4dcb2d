package dev.naturalness.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.config.ConfigError;
import dev.naturalness.config.Settings;
import dev.naturalness.text.StepSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Checks on the driver, before Spark starts, that the input exists, holds data, and has the
 * required columns with the right types (every Parquet file's footer, or the first JSON lines), so
 * that a wrong path or column costs a second, not a cluster start.
 */
public final class InputPreflight {
  private static final int JSON_LINES_SAMPLED = 200;
  private static final int FOOTER_THREADS = 8;

  /**
   * The element types of an array of whole numbers, as Parquet footers and JSON lines name them.
   */
  private static final Set<String> WHOLE_NUMBERS = Set.of("int32", "int64", "integer");

  /** What the preflight found. */
  public record Found(String format, List<String> files, Set<String> columns) {}

  private InputPreflight() {}

  public static Found check(Settings.Input input, String stepSource, Configuration hadoop) {
    Path root = new Path(input.path());
    try (FileSystem fs = FileSystem.newInstance(root.toUri(), hadoop)) {
      if (!fs.exists(root)) {
        throw new ConfigError("input.path " + input.path() + " does not exist");
      }
      List<FileStatus> files = new ArrayList<>();
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
      Map<String, String> columns = null;
      if (format.equals("parquet")) {
        for (Map.Entry<Path, Map<String, String>> footer :
            parquetColumns(hadoop, files).entrySet()) {
          requireColumns(input.columns(), footer.getValue().keySet());
          requireTypes(input.columns(), stepSource, footer.getValue(), " in " + footer.getKey());
          columns = columns == null ? footer.getValue() : columns;
        }
      } else {
        columns = jsonColumns(fs, files);
        requireColumns(input.columns(), columns.keySet());
        requireTypes(input.columns(), stepSource, columns, "");
      }
      List<String> names = new ArrayList<>();
      for (FileStatus f : files) {
        names.add(f.getPath().toString());
      }
      return new Found(format, names, columns.keySet());
    } catch (IOException e) {
      String where =
          input.path().startsWith("s3a:")
              ? " (S3 endpoint "
                  + hadoop.get("fs.s3a.endpoint", "the default AWS endpoint")
                  + "; check s3.endpoint)"
              : "";
      throw new ConfigError(
          "input.path "
              + input.path()
              + " cannot be read"
              + where
              + ": "
              + ConfigError.firstLine(e.getMessage()));
    }
  }

  /** The missing-column message, shared with the full schema check after Spark reads. */
  public static void requireColumns(Settings.Columns c, Set<String> found) {
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

  /**
   * Required columns hold text (strings, or Parquet BINARY read as UTF-8); the label is a boolean,
   * a string or a number; the steps the step source reads are arrays.
   */
  private static void requireTypes(
      Settings.Columns c, String stepSource, Map<String, String> types, String where) {
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
                + where
                + "; expected string");
      }
    }
    String label = types.get(c.correct());
    if (label != null
        && (label.startsWith("array") || label.equals("object") || label.equals("group"))) {
      throw new ConfigError(
          "input column '"
              + c.correct()
              + "' (input.columns.correct) has type "
              + label
              + where
              + "; expected boolean, a string such as true/false or yes/no, or 1/0");
    }
    requireStepColumn(c, stepSource, types, where);
  }

  /** The column the step source reads the steps from: there, and an array of the right type. */
  private static void requireStepColumn(
      Settings.Columns c, String stepSource, Map<String, String> types, String where) {
    String[] stepKey =
        stepSource.equals(StepSource.GIVEN_STEPS)
            ? new String[] {c.steps(), "input.columns.steps"}
            : stepSource.equals(StepSource.GIVEN_STEP_ENDS)
                ? new String[] {c.stepEnds(), "input.columns.step-ends"}
                : null;
    if (stepKey != null) {
      String type = types.get(stepKey[0]);
      if (type == null) {
        throw new ConfigError(
            "input column '"
                + stepKey[0]
                + "' is missing; scoring.segmenter = "
                + stepSource
                + " reads the steps from it; set "
                + stepKey[1]);
      }
      boolean ends = stepSource.equals(StepSource.GIVEN_STEP_ENDS);
      String element = type.startsWith("array<") ? type.substring(6, type.length() - 1) : null;
      if (element != null && !(ends ? WHOLE_NUMBERS.contains(element) : element.equals("string"))) {
        throw new ConfigError(
            "input column '"
                + stepKey[0]
                + "' ("
                + stepKey[1]
                + ") has type "
                + type
                + where
                + "; expected an array of "
                + (ends ? "whole numbers (code-point offsets)" : "strings"));
      }
      if (!type.startsWith("array") && !type.equals("group")) {
        throw new ConfigError(
            "input column '"
                + stepKey[0]
                + "' ("
                + stepKey[1]
                + ") has type "
                + type
                + where
                + "; expected an array");
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

  /**
   * Per file, column -> "string" for text, else the Parquet type's name: every footer, read a few
   * at a time (a file written later with another type would otherwise fail after Spark starts).
   */
  private static Map<Path, Map<String, String>> parquetColumns(
      Configuration hadoop, List<FileStatus> files) throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(FOOTER_THREADS, files.size()),
            r -> {
              Thread t = new Thread(r, "naturalness-footers");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Map<String, String>>> footers = new ArrayList<>();
      for (FileStatus f : files) {
        footers.add(pool.submit(() -> footer(hadoop, f.getPath())));
      }
      Map<Path, Map<String, String>> out = new LinkedHashMap<>();
      for (int i = 0; i < files.size(); i++) {
        out.put(files.get(i).getPath(), footers.get(i).get());
      }
      return out;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading Parquet footers", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Map<String, String> footer(Configuration hadoop, Path file) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
      Map<String, String> names = new LinkedHashMap<>();
      for (Type t : reader.getFooter().getFileMetaData().getSchema().getFields()) {
        if (!t.isPrimitive()) {
          names.put(
              t.getName(),
              t.getLogicalTypeAnnotation() != null
                      && t.getLogicalTypeAnnotation().toString().startsWith("LIST")
                  ? "array<" + listElement(t) + ">"
                  : "group");
          continue;
        }
        names.put(t.getName(), primitive(t));
      }
      return names;
    }
  }

  /** "string" for text, else the Parquet type's name (int32, int64, double, boolean, ...). */
  private static String primitive(Type t) {
    PrimitiveType.PrimitiveTypeName p = t.asPrimitiveType().getPrimitiveTypeName();
    return p == PrimitiveType.PrimitiveTypeName.BINARY
        ? "string"
        : p.name().toLowerCase(Locale.ROOT);
  }

  /** The element type of a LIST: the leaf under its one-field groups (3-level or 2-level lists). */
  private static String listElement(Type list) {
    Type t = list;
    while (!t.isPrimitive() && t.asGroupType().getFieldCount() == 1) {
      t = t.asGroupType().getType(0);
    }
    return t.isPrimitive() ? primitive(t) : "group";
  }

  /** Column -> "string" when every sampled non-null value is a string, else the JSON type seen. */
  private static Map<String, String> jsonColumns(FileSystem fs, List<FileStatus> files)
      throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    Map<String, String> names = new LinkedHashMap<>();
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
          for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            names.merge(e.getKey(), jsonType(v), InputPreflight::mergeJsonTypes);
          }
        } catch (IOException e) {
          // A broken line becomes an error row later; it says nothing about the columns.
        }
      }
    }
    return names;
  }

  /**
   * A JSON value's type as the checks name it: string (null too), number, boolean, object, or
   * array&lt;integer|number|string|boolean|object|mixed&gt; by its elements (plain "array" when
   * empty).
   */
  private static String jsonType(JsonNode v) {
    if (v.isNull() || v.isTextual()) {
      return "string";
    }
    if (v.isNumber()) {
      return "number";
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    if (!v.isArray()) {
      return "object";
    }
    String element = null;
    for (JsonNode item : v) {
      String t =
          item.isNull()
              ? null
              : item.isIntegralNumber() ? "integer" : item.isArray() ? "array" : jsonType(item);
      element = t == null ? element : element == null || element.equals(t) ? t : mixed(element, t);
    }
    return element == null ? "array" : "array<" + element + ">";
  }

  /** Whole numbers and other numbers together are numbers; other pairs are mixed. */
  private static String mixed(String a, String b) {
    return Set.of(a, b).equals(Set.of("integer", "number")) ? "number" : "mixed";
  }

  /**
   * Types of one column seen on two lines: null and empty arrays say nothing; else the first wins.
   */
  private static String mergeJsonTypes(String a, String b) {
    if (a.equals("string") || a.equals("array")) {
      return b.equals("string") && a.equals("array") ? a : b;
    }
    if (a.startsWith("array<") && b.startsWith("array<") && !a.equals(b)) {
      return "array<" + mixed(a.substring(6, a.length() - 1), b.substring(6, b.length() - 1)) + ">";
    }
    return a;
  }
}
