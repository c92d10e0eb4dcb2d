package dev.naturalness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house's rules that no compiler checks, held on src/main (the build's Checkstyle holds file
 * and method lengths, error-prone the fully qualified names): no two packages import each other,
 * the scoring core (data, text, model, scoring, stats, export) imports nothing of Spark, every
 * package says what it is in a package-info, and no Spark row is read by position.
 */
class HouseRulesTest {
  static final Path MAIN = Path.of("src/main/java/dev/naturalness");
  static final Set<String> CORE = Set.of("data", "text", "model", "scoring", "stats", "export");
  static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?dev\\.naturalness\\.(\\w+)\\.");

  /**
   * A Row getter given a literal index: {@code r.getString(0)}, {@code r.isNullAt(3)} (a list's
   * {@code get(0)} looks the same as Row.get(0), so get itself is not caught).
   */
  static final Pattern POSITIONAL =
      Pattern.compile(
          "\\.(?:getString|getInt|getLong|getDouble|getFloat|getBoolean|getStruct|getList|getSeq"
              + "|getMap|getAs|isNullAt)\\(\\s*\\d+\\s*\\)");

  static Map<String, List<Path>> packages() throws IOException {
    Map<String, List<Path>> out = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(MAIN)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        try (Stream<Path> files = Files.list(d)) {
          out.put(
              d.getFileName().toString(),
              files.filter(f -> f.toString().endsWith(".java")).sorted().toList());
        }
      }
    }
    return out;
  }

  static Map<String, Set<String>> imports() throws IOException {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Map.Entry<String, List<Path>> p : packages().entrySet()) {
      Set<String> to = new TreeSet<>();
      for (Path f : p.getValue()) {
        for (String line : Files.readAllLines(f)) {
          Matcher m = IMPORT.matcher(line);
          if (m.find() && !m.group(1).equals(p.getKey())) {
            to.add(m.group(1));
          }
        }
      }
      out.put(p.getKey(), to);
    }
    return out;
  }

  @Test
  void noTwoPackagesImportEachOther() throws IOException {
    Map<String, Set<String>> imports = imports();
    List<String> both = new ArrayList<>();
    imports.forEach(
        (a, to) -> {
          for (String b : to) {
            if (a.compareTo(b) < 0 && imports.getOrDefault(b, Set.of()).contains(a)) {
              both.add(a + " <-> " + b);
            }
          }
        });
    assertEquals(List.of(), both, "packages that import each other: " + imports);
  }

  @Test
  void theScoringCoreImportsNothingOfSpark() throws IOException {
    List<String> found = new ArrayList<>();
    for (Map.Entry<String, List<Path>> p : packages().entrySet()) {
      if (!CORE.contains(p.getKey())) {
        continue;
      }
      for (Path f : p.getValue()) {
        if (Files.readString(f).contains("import org.apache.spark")) {
          found.add(f.toString());
        }
      }
    }
    assertEquals(List.of(), found);
  }

  @Test
  void everyPackageSaysWhatItIs() throws IOException {
    for (Map.Entry<String, List<Path>> p : packages().entrySet()) {
      assertTrue(
          p.getValue().stream()
              .anyMatch(f -> f.getFileName().toString().equals("package-info.java")),
          p.getKey() + " has no package-info.java");
    }
  }

  @Test
  void noRowIsReadByPosition() throws IOException {
    List<String> found = new ArrayList<>();
    for (List<Path> files : packages().values()) {
      for (Path f : files) {
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          if (POSITIONAL.matcher(lines.get(i)).find()) {
            found.add(f.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
          }
        }
      }
    }
    assertEquals(List.of(), found, "read the column by name (getAs(\"name\"))");
  }
}
