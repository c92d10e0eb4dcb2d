package dev.naturalness.checks;

import ai.djl.Device;
import com.typesafe.config.ConfigFactory;
import dev.naturalness.config.ConfigError;
import dev.naturalness.config.Paths;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Messages;
import dev.naturalness.model.HadoopStudentSource;
import dev.naturalness.model.Student;
import dev.naturalness.model.StudentCheck;
import dev.naturalness.model.StudentException;
import dev.naturalness.model.StudentFiles;
import dev.naturalness.model.StudentManifest;
import dev.naturalness.model.StudentSpec;
import dev.naturalness.model.StudentStore;
import dev.naturalness.scoring.ScoreDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * The students, on the driver before Spark starts: where each one is, its manifest and sha256, a
 * run on a few tokens, and its score definition.
 */
public final class StudentChecks {
  /** A student the driver has checked, and the manifest it read. */
  public record Prepared(StudentSpec spec, StudentManifest manifest) {}

  private StudentChecks() {}

  /**
   * Every configured student: found, read, checked (unless plan-only, which never touches a model),
   * each with its definition. Names must differ.
   *
   * @param cluster whether executors are other JVMs (a plain local path is then shipped to them)
   */
  public static List<Prepared> prepare(
      Settings.Job settings, Configuration hadoop, boolean cluster) {
    boolean planOnly = settings.plan().only();
    List<Prepared> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String path : settings.student().paths()) {
      Prepared p = prepare(path, settings, hadoop, cluster, planOnly);
      if (!names.add(p.spec().name())) {
        throw new ConfigError(
            "student.path names two students called '"
                + p.spec().name()
                + "'; each student.conf needs a name of its own");
      }
      out.add(p);
    }
    return out;
  }

  private static Prepared prepare(
      String path, Settings.Job settings, Configuration hadoop, boolean cluster, boolean planOnly) {
    // The driver runs the student (and checks its model) only when asked to and not for a plan;
    // otherwise it reads student.conf and tokenizer.json alone, and executors check the model.
    boolean withModel = !planOnly && settings.student().check();
    StudentSpec.Kind kind;
    String location;
    Path directory;
    List<String> files;
    if (Paths.isPlainLocal(path) || path.startsWith("file:")) {
      directory =
          Path.of(
              path.startsWith("file:")
                  ? new org.apache.hadoop.fs.Path(path).toUri().getPath()
                  : path);
      kind =
          cluster && Paths.isPlainLocal(path) ? StudentSpec.Kind.SHIPPED : StudentSpec.Kind.LOCAL;
      location = directory.toString();
      files = list(directory);
    } else {
      HadoopStudentSource source = new HadoopStudentSource(path, hadoop);
      directory = copyOnDriver(source, settings.student(), !withModel);
      kind = StudentSpec.Kind.COPY;
      location = path;
      try {
        files = source.files();
      } catch (IOException e) {
        throw new StudentException("student " + path + " cannot be read: " + e.getMessage(), e);
      }
    }
    StudentManifest manifest = StudentManifest.read(directory, withModel);
    if (withModel) {
      manifest.verifyModelSha256();
      try (Student student = Student.load(directory, Device.cpu())) {
        StudentCheck.verify(student);
      }
    }
    int maxTokens = maxTokens(settings.student(), manifest);
    ScoreDefinition definition = definition(settings, manifest, maxTokens);
    return new Prepared(
        new StudentSpec(
            manifest.name(),
            path,
            kind,
            location,
            files,
            manifest.fingerprint(),
            manifest.modelSha256(),
            definition),
        manifest);
  }

  /** The student's score definition under the run's settings. */
  private static ScoreDefinition definition(
      Settings.Job settings, StudentManifest manifest, int maxTokens) {
    Settings.Scoring s = settings.scoring();
    return new ScoreDefinition(
        manifest.identity(),
        settings.input().form(),
        s.segmenter(),
        s.windows(),
        s.includePrompt(),
        maxTokens,
        s.metrics(),
        s.sampleSteps(),
        s.sampleEstimator());
  }

  private static int maxTokens(Settings.Student settings, StudentManifest manifest) {
    if (settings.maxTokens() == 0) {
      return manifest.maxTokens();
    }
    if (settings.maxTokens() > manifest.maxTokens()) {
      throw new ConfigError(
          "student.max-tokens = "
              + settings.maxTokens()
              + " is above student "
              + manifest.name()
              + "'s own max-tokens "
              + manifest.maxTokens()
              + "; use 0 (its own) or at most "
              + manifest.maxTokens());
    }
    return settings.maxTokens();
  }

  /**
   * The driver's local copy of a student at a Hadoop path (without its model when it need not run
   * it).
   */
  private static Path copyOnDriver(
      HadoopStudentSource source, Settings.Student settings, boolean textOnly) {
    try {
      byte[] conf = source.read(StudentManifest.CONF);
      byte[] tokenizer = source.read(StudentManifest.TOKENIZER);
      String modelSha =
          ConfigFactory.parseString(new String(conf, StandardCharsets.UTF_8))
              .getString("model-sha256");
      String fingerprint =
          StudentManifest.fingerprint(
              modelSha, StudentManifest.sha256(conf), StudentManifest.sha256(tokenizer));
      return StudentFiles.store(settings.localCache())
          .materialize(source, fingerprint, modelSha, textOnly ? StudentStore.TEXT_FILES : null)
          .directory();
    } catch (IOException | RuntimeException e) {
      if (e instanceof StudentException se) {
        throw se;
      }
      throw new StudentException(
          "student " + source.describe() + " cannot be read: " + Messages.firstLine(e.getMessage()),
          e);
    }
  }

  private static List<String> list(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new StudentException(
          "student directory " + directory + " does not exist; set student.path");
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> f.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new StudentException(
          "student directory " + directory + " cannot be listed: " + e.getMessage(), e);
    }
  }
}
