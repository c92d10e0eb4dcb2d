package dev.naturalness.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Local copies of students that live elsewhere (s3a://, hdfs://, or files Spark shipped), one
 * directory per student fingerprint under a cache directory of the node. A copy is made once: the
 * first task on a node copies into a temporary directory, checks model.pt's sha256, and renames it
 * into place; tasks and executors that come at the same time wait on a file lock and then find it;
 * later runs on that node find it too.
 */
public final class StudentStore {
  /** A student's files wherever they are. */
  public interface Source {
    /** The student's file names (student.conf, model.pt, tokenizer.json, ...). */
    List<String> files() throws IOException;

    InputStream open(String file) throws IOException;

    /** Where the student is, for messages. */
    String describe();
  }

  /** Where a usable local copy is, and whether this call made it. */
  public record Copy(Path directory, boolean copied, double seconds) {}

  /** The files a plan needs: no model. */
  public static final List<String> TEXT_FILES =
      List.of(StudentManifest.CONF, StudentManifest.TOKENIZER);

  private static final ConcurrentHashMap<String, Object> LOCKS = new ConcurrentHashMap<>();
  private final Path root;

  public StudentStore(Path root) {
    this.root = root;
  }

  /**
   * The default cache directory of a node: {@code <java.io.tmpdir>/naturalness-students}. In a YARN
   * container java.io.tmpdir is the container's own and goes with it, so there it is the node's
   * temporary directory (TMPDIR, else /tmp) and the user's name (several users' containers share a
   * node): {@code /tmp/naturalness-students-<user>}.
   */
  public static Path defaultRoot() {
    return defaultRoot(
        System.getenv(), System.getProperty("java.io.tmpdir"), System.getProperty("user.name"));
  }

  static Path defaultRoot(Map<String, String> env, String javaTmpdir, String user) {
    // The NodeManager names each container's process by CONTAINER_ID.
    if (env.containsKey("CONTAINER_ID")) {
      String tmp = env.getOrDefault("TMPDIR", "");
      return Path.of(tmp.isBlank() ? "/tmp" : tmp, "naturalness-students-" + user);
    }
    return Path.of(javaTmpdir, "naturalness-students");
  }

  /** The whole student, its model checked against {@code modelSha256}. */
  public Copy materialize(Source source, String fingerprint, String modelSha256) {
    return materialize(source, fingerprint, modelSha256, null);
  }

  /**
   * The local copy of the student with this fingerprint, made from {@code source} if this node has
   * none yet: every file, model.pt checked against {@code modelSha256}; or, with {@code only}, just
   * those files (kept apart, under the fingerprint with a "-text" suffix).
   */
  public Copy materialize(
      Source source, String fingerprint, String modelSha256, List<String> only) {
    long started = System.nanoTime();
    Path target = root.resolve(only == null ? fingerprint : fingerprint + "-text");
    if (Files.isDirectory(target)) {
      return new Copy(target, false, 0);
    }
    // The file lock keeps other JVMs out; threads of this JVM queue here, as one JVM may hold a
    // file's lock only once.
    synchronized (LOCKS.computeIfAbsent(target.toString(), k -> new Object())) {
      try {
        return copyUnderLock(source, target, modelSha256, only, started);
      } catch (IOException e) {
        throw new StudentException(
            "cannot copy student " + source.describe() + " to " + target + ": " + e.getMessage(),
            e);
      }
    }
  }

  private Copy copyUnderLock(
      Source source, Path target, String modelSha256, List<String> only, long started)
      throws IOException {
    Files.createDirectories(root);
    try (FileChannel lockFile =
            FileChannel.open(
                root.resolve(target.getFileName() + ".lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      if (Files.isDirectory(target)) {
        return new Copy(target, false, (System.nanoTime() - started) / 1e9);
      }
      Path temporary = root.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
      Files.createDirectories(temporary);
      try {
        for (String file : only == null ? source.files() : only) {
          try (InputStream in = source.open(file)) {
            Files.copy(in, temporary.resolve(file), StandardCopyOption.REPLACE_EXISTING);
          }
        }
        if (only == null) {
          String actual = StudentManifest.sha256(temporary.resolve(StudentManifest.MODEL));
          if (!actual.equals(modelSha256)) {
            throw new StudentException(
                "the copy of "
                    + source.describe()
                    + "/"
                    + StudentManifest.MODEL
                    + " has sha256 "
                    + actual
                    + " but "
                    + StudentManifest.CONF
                    + " says "
                    + modelSha256
                    + "; the model file was changed or damaged");
          }
        }
        move(temporary, target);
      } finally {
        deleteRecursively(temporary);
      }
      return new Copy(target, true, (System.nanoTime() - started) / 1e9);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // another executor finished first; its copy is the same student
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  static void deleteRecursively(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
