package dev.naturalness;

import ai.djl.Device;
import dev.naturalness.model.Student;
import dev.naturalness.model.StudentCache;
import java.nio.file.Path;

/** The bundled demo student, loaded once per test JVM. */
public final class DemoStudent {
  public static final Path DIR = Path.of("src/main/resources/demo/student");

  private DemoStudent() {}

  public static Student get() {
    return StudentCache.jvm()
        .getOrLoad(
            new StudentCache.Key(DIR.toAbsolutePath().normalize().toString(), "cpu"),
            () -> Student.load(DIR, Device.cpu()));
  }
}
