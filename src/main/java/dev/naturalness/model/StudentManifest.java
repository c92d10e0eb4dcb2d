package dev.naturalness.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.naturalness.data.Messages;
import dev.naturalness.data.Turn;
import dev.naturalness.scoring.StudentIdentity;
import dev.naturalness.text.ChatTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A student directory's {@code student.conf}: name, format, max-tokens, vocab-size,
 * prompt-template, chat-template (optional: the pieces a conversation is rendered from), family
 * (optional: the model family, e.g. qwen2), bos-id (optional), model-sha256 and dtype; and the
 * sha256 of its tokenizer.json and of student.conf itself.
 */
public record StudentManifest(
    String directory,
    String name,
    int maxTokens,
    int vocabSize,
    String promptTemplate,
    long bosId,
    ChatTemplate chatTemplate,
    String family,
    String modelSha256,
    String dtype,
    String tokenizerSha256,
    String confSha256)
    implements Serializable {

  public static final String CONF = "student.conf";
  public static final String MODEL = "model.pt";
  public static final String TOKENIZER = "tokenizer.json";
  private static final Set<String> DTYPES = Set.of("float32", "bfloat16", "float16");

  /** Reads and checks student.conf and that model.pt and tokenizer.json are there and readable. */
  public static StudentManifest read(Path dir) {
    return read(dir, true);
  }

  /**
   * Reads and checks student.conf and that tokenizer.json (and, when {@code withModel}, model.pt)
   * are there and readable. A plan needs no model.
   */
  public static StudentManifest read(Path dir, boolean withModel) {
    if (!Files.isDirectory(dir)) {
      throw new StudentException("student directory " + dir + " does not exist; set student.path");
    }
    Path conf = dir.resolve(CONF);
    requireReadable(dir, CONF);
    if (withModel) {
      requireReadable(dir, MODEL);
    }
    requireReadable(dir, TOKENIZER);
    Config c = parse(conf);
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
      int maxTokens = c.getInt("max-tokens");
      if (maxTokens < 2) {
        throw new StudentException(
            conf + ": max-tokens = " + maxTokens + "; a student must take at least 2 tokens");
      }
      int vocab = c.getInt("vocab-size");
      if (vocab < 1) {
        throw new StudentException(conf + ": vocab-size = " + vocab + "; it must be at least 1");
      }
      return new StudentManifest(
          dir.toAbsolutePath().normalize().toString(),
          plainName(conf, c.getString("name")),
          maxTokens,
          vocab,
          template,
          c.hasPath("bos-id") ? c.getLong("bos-id") : -1L,
          chatTemplate(c, conf, template),
          c.hasPath("family") ? c.getString("family").trim() : "",
          sha,
          dtype,
          sha256(dir.resolve(TOKENIZER)),
          sha256(conf));
    } catch (ConfigException e) {
      throw new StudentException(conf + ": " + Messages.firstLine(e.getMessage()));
    }
  }

  /**
   * A student's name names directories the job writes (an export's {@code data/<student>/}) and
   * comes from a file other people write: it must be a plain name, never a path.
   */
  static String plainName(Path conf, String name) {
    if (!PLAIN_NAME.matcher(name).matches()) {
      throw new StudentException(
          conf
              + ": name = \""
              + name.replace("\n", "\\n")
              + "\" is not a plain name; use 1 to 100 letters, digits, '.', '_' or '-', beginning"
              + " with a letter or a digit (no path separators; a name beginning with '.' would"
              + " make hidden folders)");
    }
    return name;
  }

  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private static Config parse(Path conf) {
    try {
      return ConfigFactory.parseFile(
          conf.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new StudentException(
          conf + " is not valid HOCON: " + Messages.firstLine(e.getMessage()));
    }
  }

  /**
   * The chat-template section, or null. A single user turn must render as the prompt-template
   * renders the same text, so that a chat row of one turn scores as the same row written flat.
   */
  private static ChatTemplate chatTemplate(Config c, Path conf, String promptTemplate) {
    if (!c.hasPath("chat-template")) {
      return null;
    }
    Config t = c.getConfig("chat-template");
    ChatTemplate chat;
    try {
      chat =
          new ChatTemplate(
              t.hasPath("default-system") ? t.getString("default-system") : "",
              t.getString("system"),
              t.getString("user"),
              t.getString("assistant"),
              t.getString("generation"));
    } catch (IllegalArgumentException e) {
      throw new StudentException(conf + ": chat-template: " + e.getMessage());
    }
    String probe = "\u2063X\u2063";
    if (!chat.render(List.of(new Turn(Turn.USER, probe)))
        .equals(promptTemplate.replace("{prompt}", probe))) {
      throw new StudentException(
          conf
              + ": chat-template renders one user turn otherwise than prompt-template; re-export the"
              + " student, or remove chat-template");
    }
    return chat;
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

  /** What of this student changes its numbers (its name does not). */
  public StudentIdentity identity() {
    return new StudentIdentity(
        modelSha256,
        tokenizerSha256,
        promptTemplate,
        chatTemplate == null ? "" : chatTemplate.toString(),
        bosId,
        dtype);
  }

  /**
   * Identifies this student's files: the model's sha256 (as student.conf states it) and the sha256
   * of student.conf and tokenizer.json. Local copies of a student are kept under it.
   */
  public String fingerprint() {
    return fingerprint(modelSha256, confSha256, tokenizerSha256);
  }

  public static String fingerprint(String modelSha256, String confSha256, String tokenizerSha256) {
    return modelSha256.substring(0, 16)
        + "-"
        + sha256(confSha256 + tokenizerSha256).substring(0, 16);
  }

  public Path modelPath() {
    return Path.of(directory, MODEL);
  }

  public Path tokenizerPath() {
    return Path.of(directory, TOKENIZER);
  }

  public static String sha256(Path file) {
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

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
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
