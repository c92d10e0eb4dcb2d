package dev.naturalness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs stay true to the code where a test can tell: every key of reference.conf is on the
 * configuration page, the README stays a short entry page, and every link between the docs leads to
 * a file (and heading) that exists.
 */
class DocsTest {
  @Test
  void everyKeyOfReferenceConfIsOnTheConfigurationPage() throws IOException {
    String page = Files.readString(Path.of("docs/configuration.md"));
    List<String> missing = new ArrayList<>();
    for (String key : ReferenceKeys.all()) {
      if (!page.contains("`" + key + "`")) {
        missing.add(key);
      }
    }
    assertEquals(List.of(), missing, "keys of reference.conf missing from docs/configuration.md");
  }

  @Test
  void theReadmeIsAShortEntryPage() throws IOException {
    long lines = Files.readAllLines(Path.of("README.md")).size();
    assertTrue(lines <= 300, "README.md has " + lines + " lines; the reference belongs in docs/");
  }

  @Test
  void everyLinkBetweenTheDocsLeadsToAFileAndHeadingThatExist() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
    }
    Pattern link = Pattern.compile("\\]\\(([^)#\\s]+\\.md)(#[^)]+)?\\)");
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      Matcher m = link.matcher(Files.readString(page));
      while (m.find()) {
        Path target =
            page.getParent() == null ? Path.of(m.group(1)) : page.getParent().resolve(m.group(1));
        if (!Files.isRegularFile(target)) {
          broken.add(page + " -> " + m.group(1));
        } else if (m.group(2) != null && !anchors(target).contains(m.group(2).substring(1))) {
          broken.add(page + " -> " + m.group(1) + m.group(2));
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  /** The anchors a Markdown renderer makes of a page's headings. */
  static Set<String> anchors(Path page) throws IOException {
    Set<String> out = new TreeSet<>();
    for (String line : Files.readAllLines(page)) {
      if (line.startsWith("#")) {
        out.add(
            line.replaceFirst("^#+\\s*", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .trim()
                .replace(' ', '-'));
      }
    }
    return out;
  }
}
