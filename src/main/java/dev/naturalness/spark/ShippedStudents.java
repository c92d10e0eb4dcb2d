package dev.naturalness.spark;

import dev.naturalness.model.StudentException;
import dev.naturalness.model.StudentSpec;
import dev.naturalness.model.StudentStore;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkFiles;

/** Students that live on the driver, shipped by Spark to each executor. */
public final class ShippedStudents {
  private ShippedStudents() {}

  /**
   * Registers the files of students that live on the driver with Spark, which ships them to each
   * executor: under names unique per student, through hard links (or copies, across file systems)
   * in a staging directory of the driver.
   */
  public static void ship(SparkContext sc, List<StudentSpec> specs) {
    Path staging = null;
    for (StudentSpec spec : specs) {
      if (spec.kind() != StudentSpec.Kind.SHIPPED) {
        continue;
      }
      try {
        if (staging == null) {
          staging = Files.createTempDirectory("naturalness-shipped-");
          staging.toFile().deleteOnExit();
        }
        for (String file : spec.files()) {
          Path link = staging.resolve(spec.shippedName(file));
          Files.deleteIfExists(link);
          // A hard link costs no copy; Spark serves a symbolic link under its target's name.
          Path original = Path.of(spec.location(), file).toAbsolutePath();
          try {
            Files.createLink(link, original);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(original, link);
          }
          link.toFile().deleteOnExit();
          sc.addFile(link.toString());
        }
      } catch (IOException e) {
        throw new StudentException(
            "cannot ship student " + spec.source() + " to the executors: " + e.getMessage(), e);
      }
    }
  }

  /** Where an executor reads a shipped student's files: Spark's files directory. */
  public static StudentStore.Source source(StudentSpec spec) {
    return new ShippedSource(spec);
  }

  /** A student's files as Spark fetched them into this executor's files directory. */
  private record ShippedSource(StudentSpec spec) implements StudentStore.Source {
    @Override
    public List<String> files() {
      return spec.files();
    }

    @Override
    public InputStream open(String file) throws IOException {
      return Files.newInputStream(new File(SparkFiles.get(spec.shippedName(file))).toPath());
    }

    @Override
    public String describe() {
      return spec.source() + " (shipped by Spark)";
    }
  }
}
