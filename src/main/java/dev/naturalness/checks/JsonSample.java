package dev.naturalness.checks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The first records of a JSON file, as the checks before Spark read them: JSON Lines, or one
 * top-level array (Light-R1- and LIMO-style exports), gzipped or not; and the type each column's
 * values have there.
 */
final class JsonSample {
  private JsonSample() {}

  /** Whether the file is one JSON array (its first character that is not white space is '['). */
  static boolean isArray(FileSystem fs, Path file) throws IOException {
    try (InputStream in = open(fs, file)) {
      for (int b = in.read(); b >= 0; b = in.read()) {
        if (!Character.isWhitespace(b) && b != 0xEF && b != 0xBB && b != 0xBF) {
          return b == '[';
        }
      }
      return false;
    }
  }

  /** Whether the file holds a record: a line that is not blank, or an array's first element. */
  static boolean hasRecord(FileSystem fs, Path file, boolean array) throws IOException {
    try (InputStream in = open(fs, file)) {
      if (array) {
        JsonParser parser = new ObjectMapper().getFactory().createParser(in);
        return parser.nextToken() == JsonToken.START_ARRAY
            && parser.nextToken() != JsonToken.END_ARRAY;
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.isBlank()) {
          return true;
        }
      }
      return false;
    }
  }

  /** Column -> the type of its sampled values ("string" when every non-null one is a string). */
  static Map<String, String> columns(FileSystem fs, Path file, boolean array, int records)
      throws IOException {
    Map<String, String> names = new LinkedHashMap<>();
    ObjectMapper mapper = new ObjectMapper();
    try (InputStream in = open(fs, file)) {
      if (array) {
        JsonParser parser = mapper.getFactory().createParser(in);
        if (parser.nextToken() != JsonToken.START_ARRAY) {
          return names;
        }
        for (int seen = 0; seen < records && parser.nextToken() == JsonToken.START_OBJECT; seen++) {
          add(names, mapper.readTree(parser));
        }
        return names;
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      int seen = 0;
      for (String line = lines.readLine();
          line != null && seen < records;
          line = lines.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        seen++;
        try {
          add(names, mapper.readTree(line));
        } catch (IOException e) {
          // A broken line becomes an error row later; it says nothing about the columns.
        }
      }
    }
    return names;
  }

  private static void add(Map<String, String> names, JsonNode node) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      names.merge(e.getKey(), jsonType(e.getValue()), JsonSample::mergeJsonTypes);
    }
  }

  private static InputStream open(FileSystem fs, Path file) throws IOException {
    InputStream raw = fs.open(file);
    return file.getName().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
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
  static String mergeJsonTypes(String a, String b) {
    if (a.equals("string") || a.equals("array")) {
      return b.equals("string") && a.equals("array") ? a : b;
    }
    if (a.startsWith("array<") && b.startsWith("array<") && !a.equals(b)) {
      return "array<" + mixed(a.substring(6, a.length() - 1), b.substring(6, b.length() - 1)) + ">";
    }
    return a;
  }
}
