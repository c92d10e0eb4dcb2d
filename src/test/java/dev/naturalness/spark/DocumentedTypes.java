package dev.naturalness.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** docs/outputs.md's column types table: per table, each column's type as pyarrow reads it. */
final class DocumentedTypes {
  private static final Pattern ROW = Pattern.compile("^\\| (\\w+) \\| `(\\w+)` \\| `(.+)` \\|$");

  private DocumentedTypes() {}

  static Map<String, Map<String, String>> read() throws IOException {
    String doc = Files.readString(Path.of("docs/outputs.md"));
    String section = doc.substring(doc.indexOf("## Column types"), doc.indexOf("## Exports"));
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String line : section.split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        out.computeIfAbsent(m.group(1), t -> new LinkedHashMap<>()).put(m.group(2), m.group(3));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("docs/outputs.md has no column types table");
    }
    return out;
  }
}
