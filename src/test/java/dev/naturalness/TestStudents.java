package dev.naturalness;

import com.typesafe.config.ConfigUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Student directories for tests, assembled from the small models in src/test/resources/students
 * (made by src/test/python/make_test_students.py), the demo student's tokenizer.json and a
 * student.conf whose model-sha256 is the model's.
 */
public final class TestStudents {
  static final Path MODELS = Path.of("src", "test", "resources", "students");

  private TestStudents() {}

  /** The demo's prompt-template ("Problem: {prompt}\nSolution:\n") cut into chat pieces. */
  public static final String DEMO_CHAT_TEMPLATE =
      "chat-template {\n"
          + "  system = \"System: {content}\\n\"\n"
          + "  user = \"Problem: {content}\\n\"\n"
          + "  assistant = \"Solution:\\n{content}\\n\"\n"
          + "  generation = \"Solution:\\n\"\n"
          + "}\n";

  /**
   * The demo student under another name, {@code extraConf} added to its student.conf (its model and
   * sha256 unchanged).
   */
  public static Path demoCopy(Path parent, String name, String extraConf) {
    try {
      Path student = Files.createDirectories(parent.resolve(name));
      for (String f : new String[] {"model.pt", "tokenizer.json"}) {
        Files.copy(
            DemoStudent.DIR.resolve(f), student.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
      String conf =
          Files.readString(DemoStudent.DIR.resolve("student.conf"))
              .replace("name = \"demo-student\"", "name = \"" + name + "\"");
      Files.writeString(student.resolve("student.conf"), conf + extraConf);
      return student;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The student.conf values of the demo student's vocabulary and template, named {@code name}. */
  public static Map<String, Object> conf(String name) {
    Map<String, Object> conf = new LinkedHashMap<>();
    conf.put("name", name);
    conf.put("format", "torchscript");
    conf.put("max-tokens", 2048);
    conf.put("vocab-size", 259);
    conf.put("prompt-template", "Problem: {prompt}\nSolution:\n");
    conf.put("bos-id", 256);
    conf.put("dtype", "float32");
    return conf;
  }

  /**
   * A student directory under {@code parent}: {@code model} (a fixture name, e.g. "tiny"), conf
   * overrides applied.
   */
  public static Path make(
      Path parent, String directoryName, String model, Map<String, Object> overrides) {
    try {
      Path dir = Files.createDirectories(parent.resolve(directoryName));
      Files.copy(
          MODELS.resolve(model + ".pt"),
          dir.resolve("model.pt"),
          StandardCopyOption.REPLACE_EXISTING);
      Files.copy(
          DemoStudent.DIR.resolve("tokenizer.json"),
          dir.resolve("tokenizer.json"),
          StandardCopyOption.REPLACE_EXISTING);
      Map<String, Object> conf = conf(directoryName);
      conf.put("model-sha256", sha256(dir.resolve("model.pt")));
      conf.putAll(overrides);
      StringBuilder text = new StringBuilder();
      conf.forEach(
          (k, v) ->
              text.append(k)
                  .append(" = ")
                  .append(v instanceof String s ? ConfigUtil.quoteString(s) : String.valueOf(v))
                  .append('\n'));
      Files.writeString(dir.resolve("student.conf"), text.toString());
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
