package dev.naturalness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Files and directories that tests make and remove. */
public final class TestFiles {
  private TestFiles() {}

  /** Removes a file or a directory and all it holds, never following a symbolic link. */
  public static void deleteRecursively(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (var children = Files.list(p)) {
        for (Path c : children.toList()) {
          deleteRecursively(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }

  /** Every file and directory under root, sorted. */
  public static List<Path> everyFile(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.sorted().toList();
    }
  }
}
