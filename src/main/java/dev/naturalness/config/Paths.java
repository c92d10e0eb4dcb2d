package dev.naturalness.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The settings that hold paths, and how a relative one is made absolute on the driver before
 * anything reaches an executor (which would resolve it against its own working directory): a path
 * given on the command line against the directory the job was started in, a path written in a
 * config file against that file's directory. Paths with a scheme (s3a://, hdfs://, file:) are left
 * as they are.
 */
public final class Paths {
  /** Keys under the job's root whose values are paths (or lists of paths). */
  public static final List<String> KEYS =
      List.of(
          "input.path",
          "output.path",
          "output.publish-pointer",
          "student.path",
          "student.local-cache",
          "incremental.cache",
          "spark.event-log",
          "progress.status-file",
          "plan.previous-summary");

  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

  private Paths() {}

  /** Whether a path names the local file system without a scheme. */
  public static boolean isPlainLocal(String path) {
    return !SCHEME.matcher(path).matches();
  }

  /**
   * {@code path} made absolute against {@code base} when it is a relative local path; else as
   * given.
   */
  public static String absolute(String path, Path base) {
    if (path == null || path.isBlank() || !isPlainLocal(path) || Path.of(path).isAbsolute()) {
      return path;
    }
    return base.resolve(path).toAbsolutePath().normalize().toString();
  }

  /** {@code config} with the value at {@code key} (a string or a list of strings) made absolute. */
  static Config absolute(Config config, String key, Path base) {
    if (!KEYS.contains(key.substring(key.indexOf('.') + 1)) || !config.hasPath(key)) {
      return config;
    }
    ConfigValue value = config.getValue(key);
    if (value.valueType() == ConfigValueType.STRING) {
      return config.withValue(
          key, ConfigValueFactory.fromAnyRef(absolute((String) value.unwrapped(), base)));
    }
    if (value.valueType() == ConfigValueType.LIST) {
      List<Object> out = new ArrayList<>();
      for (Object item : (List<?>) value.unwrapped()) {
        out.add(item instanceof String s ? absolute(s, base) : item);
      }
      return config.withValue(key, ConfigValueFactory.fromIterable(out));
    }
    return config;
  }
}
