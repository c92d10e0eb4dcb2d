package dev.naturalness.model;

import java.nio.file.Path;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * A student's files where an executor reads them: in place, copied once per node from a Hadoop
 * path, or from where Spark brought them (a source the caller gives).
 */
public final class StudentFiles {
  /** An executor's local directory of a student, and how it came to be there. */
  public record Local(Path directory, String how) {}

  private StudentFiles() {}

  public static StudentStore store(String localCache) {
    return new StudentStore(
        localCache.isEmpty() ? StudentStore.defaultRoot() : Path.of(localCache));
  }

  /**
   * The student's local directory on this executor: in place, copied once per node, or from the
   * files Spark shipped ({@code shipped}: where those are read). {@code textOnly}: without the
   * model (a plan needs the tokenizer only).
   */
  public static Local local(
      StudentSpec spec,
      boolean textOnly,
      String localCache,
      Configuration hadoop,
      StudentStore.Source shipped) {
    StudentStore.Source source;
    switch (spec.kind()) {
      case LOCAL -> {
        return new Local(Path.of(spec.location()), "local directory " + spec.location());
      }
      case COPY -> source = new HadoopStudentSource(spec.location(), hadoop);
      default -> source = shipped;
    }
    StudentStore.Copy copy =
        store(localCache)
            .materialize(
                source,
                spec.fingerprint(),
                spec.modelSha256(),
                textOnly ? StudentStore.TEXT_FILES : null);
    String how =
        copy.copied()
            ? String.format(
                Locale.ROOT,
                "%s, copied to %s in %.1f s",
                spec.source(),
                copy.directory(),
                copy.seconds())
            : spec.source() + ", local copy " + copy.directory() + " already there";
    return new Local(copy.directory(), how);
  }
}
