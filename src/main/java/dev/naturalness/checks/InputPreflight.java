package dev.naturalness.checks;

import dev.naturalness.config.ConfigError;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Messages;
import dev.naturalness.text.StepSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

  /**
   * What the preflight found.
   *
   * @param jsonArray whether the JSON files hold one top-level array each (not JSON Lines)
   */
  public record Found(String format, List<String> files, Set<String> columns, boolean jsonArray) {}

  private InputPreflight() {}

  public static Found check(Settings.Input input, String stepSource, Configuration hadoop) {
    Path root = new Path(input.path());
    try (FileSystem fs = FileSystem.newInstance(root.toUri(), hadoop)) {
      if (!fs.exists(root)) {
        throw new ConfigError("input.path " + input.path() + " does not exist");
      }
      List<FileStatus> files = dataFiles(fs, root);
      if (files.isEmpty()) {
        throw new ConfigError("input.path " + input.path() + " holds no data (no non-empty files)");
      }
      files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
      String format = format(input.format(), fs, files.get(0).getPath());
      Map<String, String> columns = null;
      boolean array = false;
      if (format.equals("parquet")) {
        Map<Path, Map<String, String>> footers = parquetColumns(hadoop, files);
        for (Map.Entry<Path, Map<String, String>> footer : footers.entrySet()) {
          requireColumns(input, footer.getValue().keySet());
          requireTypes(input, stepSource, footer.getValue(), " in " + footer.getKey());
          columns = columns == null ? footer.getValue() : columns;
        }
        requireOneTypePerColumn(input, footers);
      } else {
        Path sampled = firstWithRecords(fs, files, input);
        array = JsonSample.isArray(fs, sampled);
        columns = JsonSample.columns(fs, sampled, array, JSON_LINES_SAMPLED);
        requireColumns(input, columns.keySet());
        requireTypes(input, stepSource, columns, "");
      }
      List<String> names = new ArrayList<>();
      for (FileStatus f : files) {
        names.add(f.getPath().toString());
      }
      return new Found(format, names, columns.keySet(), array);
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
              + Messages.firstLine(e.getMessage()));
    }
  }

  /** The files Spark reads under the input: not empty, and none hidden ('_' or '.'). */
  private static List<FileStatus> dataFiles(FileSystem fs, Path root) throws IOException {
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
    return files;
  }

  /**
   * The first JSON file that holds a record (its columns are the corpus's); none holding one is a
   * corpus of no rows, said so rather than as a missing column.
   */
  private static Path firstWithRecords(FileSystem fs, List<FileStatus> files, Settings.Input input)
      throws IOException {
    for (FileStatus f : files) {
      if (JsonSample.hasRecord(fs, f.getPath(), JsonSample.isArray(fs, f.getPath()))) {
        return f.getPath();
      }
    }
    throw new ConfigError(
        "input.path "
            + input.path()
            + " holds no rows: "
            + (files.size() == 1 ? "its file holds" : "its " + files.size() + " files hold")
            + " only blank lines (or an empty JSON array)");
  }

  /** The missing-column message, shared with the full schema check after Spark reads. */
  public static void requireColumns(Settings.Input input, Set<String> found) {
    for (String[] kv : input.required()) {
      if (!found.contains(kv[1])) {
        throw new ConfigError(
            "input column '"
                + kv[1]
                + "' is missing; found "
                + new ArrayList<>(found)
                + "; set "
                + kv[0]
                + (input.shape() == Settings.Shape.FLAT
                    ? ""
                    : " (input.shape = " + input.shape().key() + ")"));
      }
    }
  }

  /**
   * Text columns hold text (strings, or Parquet BINARY read as UTF-8), chat columns lists; the
   * label is a boolean, a string or a number; the steps the step source reads are arrays.
   */
  private static void requireTypes(
      Settings.Input input, String stepSource, Map<String, String> types, String where) {
    Settings.Columns c = input.columns();
    for (String[] kv : input.required()) {
      String type = types.get(kv[1]);
      boolean list =
          kv[0].equals("input.columns.messages")
              || kv[0].equals("input.columns.conversations")
              || kv[0].equals("input.columns.generations");
      if (type != null && (list ? !type.startsWith("array") : !type.equals("string"))) {
        throw new ConfigError(
            "input column '"
                + kv[1]
                + "' ("
                + kv[0]
                + ") has type "
                + type
                + where
                + "; expected "
                + (list ? "a list" : "string"));
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

  /**
   * Every column the job reads has one type in every file: Spark reads the files as one table with
   * one file's schema, and a file that gives a column another type (a label as boolean here and as
   * yes/no text there, an id as int64 here and as text there) fails the read after Spark starts.
   */
  private static void requireOneTypePerColumn(
      Settings.Input input, Map<Path, Map<String, String>> footers) {
    for (String[] kv : readColumns(input)) {
      Path firstFile = null;
      String firstType = null;
      for (Map.Entry<Path, Map<String, String>> footer : footers.entrySet()) {
        String type = footer.getValue().get(kv[1]);
        if (type == null) {
          continue;
        }
        if (firstType == null) {
          firstFile = footer.getKey();
          firstType = type;
        } else if (!firstType.equals(type)) {
          throw new ConfigError(
              "input column '"
                  + kv[1]
                  + "' ("
                  + kv[0]
                  + ") has type "
                  + firstType
                  + " in "
                  + firstFile
                  + " and "
                  + type
                  + " in "
                  + footer.getKey()
                  + "; Spark reads the files as one table: write the column with one type in"
                  + " every file");
        }
      }
    }
  }

  /** The input columns the job reads, each with the setting that names it. */
  private static List<String[]> readColumns(Settings.Input input) {
    Settings.Columns c = input.columns();
    List<String[]> out = new ArrayList<>(input.required());
    String[][] optional = {
      {"input.columns.prompt_id", c.promptId()},
      {"input.columns.response_id", c.responseId()},
      {"input.columns.correct", c.correct()},
      {"input.columns.steps", c.steps()},
      {"input.columns.step-ends", c.stepEnds()},
      {"input.columns.system", c.system()},
      {"input.columns.complete", c.complete()},
      {"input.columns.finish-reason", c.finishReason()},
      {"input.columns.teacher-family", c.teacherFamily()},
      {"input.generations.complete", input.generations().complete()},
      {"input.generations.finish-reasons", input.generations().finishReasons()}
    };
    out.addAll(List.of(optional));
    for (String correct : input.generations().correct()) {
      out.add(new String[] {"input.generations.correct", correct});
    }
    for (Map.Entry<String, Settings.WideTeacher> t : input.teachers().entrySet()) {
      String key = "input.teachers." + t.getKey();
      for (String response : t.getValue().response()) {
        out.add(new String[] {key + ".response", response});
      }
      out.add(new String[] {key + ".correct", t.getValue().correct()});
    }
    out.removeIf(kv -> kv[1] == null || kv[1].isEmpty());
    return out;
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
}
