package dev.naturalness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The real pretrained student, SmolLM2-135M-Instruct, as submit/student-smollm2.sh builds it (its
 * student directory and the Hugging Face directory beside it), and the project's Python environment
 * that reads it. .ci/run builds both and sets NATURALNESS_REQUIRE_SMOLLM2; elsewhere a test that
 * needs them is skipped when they are not there.
 */
public final class RealStudent {
  private RealStudent() {}

  /** NATURALNESS_SMOLLM2_STUDENT, else where submit/student-smollm2.sh puts it by default. */
  public static Path dir() {
    String given = System.getenv("NATURALNESS_SMOLLM2_STUDENT");
    if (given != null && !given.isEmpty()) {
      return Path.of(given);
    }
    String cache = System.getenv("NATURALNESS_CACHE");
    Path root =
        cache == null || cache.isEmpty()
            ? Path.of(System.getProperty("user.home"), ".cache", "naturalness")
            : Path.of(cache);
    return root.resolve("students").resolve("smollm2-135m-instruct");
  }

  /** The Hugging Face directory the student was exported from (the reference's eager model). */
  public static Path hfDir() {
    return Path.of(dir().toString() + "-hf");
  }

  /** The Python with the student build's packages: NATURALNESS_PYTHON. */
  public static String python() {
    String python = System.getenv("NATURALNESS_PYTHON");
    return python == null ? "" : python;
  }

  /** Skips the calling test when the student or the Python is missing, unless CI requires them. */
  public static void require() {
    boolean there =
        Files.isRegularFile(dir().resolve("model.pt"))
            && Files.isRegularFile(hfDir().resolve("config.json"))
            && !python().isEmpty()
            && Files.isRegularFile(Path.of(python()))
            && Files.isExecutable(Path.of(python()));
    if (System.getenv("NATURALNESS_REQUIRE_SMOLLM2") == null) {
      Assumptions.assumeTrue(
          there,
          "needs the SmolLM2 student (submit/student-smollm2.sh) and NATURALNESS_PYTHON set to the"
              + " project's Python environment");
    }
    assertTrue(
        there,
        "NATURALNESS_REQUIRE_SMOLLM2 is set but "
            + dir()
            + ", "
            + hfDir()
            + " or NATURALNESS_PYTHON ("
            + python()
            + ") is missing");
  }
}
