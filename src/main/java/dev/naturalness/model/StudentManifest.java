package dev.naturalness.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * A student directory's {@code student.conf}: name, format, max-tokens, vocab-size,
 * prompt-template, bos-id (optional), model-sha256 and dtype.
 */
public record StudentManifest(
    String directory,
    String name,
    int maxTokens,
    int vocabSize,
    String promptTemplate,
    long bosId,
    String modelSha256,
    String dtype)
    implements Serializable {

  public static final String CONF = "student.conf";
  public static final String MODEL = "model.pt";
  public static final String TOKENIZER = "tokenizer.json";
  private static final Set<String> DTYPES = Set.of("float32", "bfloat16", "float16");

  /** Reads and checks student.conf and that model.pt and tokenizer.json are there and readable. */
  public static StudentManifest read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new StudentException("student directory " + dir + " does not exist; set student.path");
    }
    Path conf = dir.resolve(CONF);
    requireReadable(dir, CONF);
    requireReadable(dir, MODEL);
    requireReadable(dir, TOKENIZER);
    Config c;
    try {
      c =
          ConfigFactory.parseFile(
              conf.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new StudentException(dir.resolve(CONF) + " is not valid HOCON: " + e.getMessage());
    }
    try {
      String format = c.getString("format");
      if (!"torchscript".equals(format)) {
        throw new StudentException(
            conf + ": format = " + format + " is not supported; expected torchscript");
      }
      String dtype = c.hasPath("dtype") ? c.getString("dtype").toLowerCase(Locale.ROOT) : "float32";
      if (!DTYPES.contains(dtype)) {
        throw new StudentException(conf + ": dtype = " + dtype + " is not one of " + DTYPES);
      }
      String template = c.getString("prompt-template");
      if (!template.contains("{prompt}")) {
        throw new StudentException(conf + ": prompt-template has no {prompt}");
      }
      String sha = c.getString("model-sha256").toLowerCase(Locale.ROOT);
      if (!sha.matches("[0-9a-f]{64}")) {
        throw new StudentException(conf + ": model-sha256 is not 64 hex digits");
      }
      return new StudentManifest(
          dir.toAbsolutePath().normalize().toString(),
          c.getString("name"),
          c.getInt("max-tokens"),
          c.getInt("vocab-size"),
          template,
          c.hasPath("bos-id") ? c.getLong("bos-id") : -1L,
          sha,
          dtype);
    } catch (ConfigException e) {
      throw new StudentException(conf + ": " + e.getMessage());
    }
  }

  /** Fails unless model.pt's sha256 is the one the manifest names. */
  public void verifyModelSha256() {
    String actual = sha256(modelPath());
    if (!actual.equals(modelSha256)) {
      throw new StudentException(
          modelPath()
              + " has sha256 "
              + actual
              + " but "
              + CONF
              + " says "
              + modelSha256
              + "; the model file was changed or damaged");
    }
  }

  public Path modelPath() {
    return Path.of(directory, MODEL);
  }

  public Path tokenizerPath() {
    return Path.of(directory, TOKENIZER);
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 20];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new StudentException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void requireReadable(Path dir, String file) {
    Path p = dir.resolve(file);
    if (!Files.isRegularFile(p)) {
      throw new StudentException("student directory " + dir + " has no " + file);
    }
    if (!Files.isReadable(p)) {
      throw new StudentException(p + " is not readable");
    }
  }
}
