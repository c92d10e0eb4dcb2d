package dev.naturalness.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/** Typed reads that turn Typesafe's exceptions into one line naming the key. */
final class ConfigReader {
  final Config c;

  ConfigReader(Config c) {
    this.c = c;
  }

  private static String full(String key) {
    return ConfigKeys.ROOT + "." + key;
  }

  private <T> T read(String key, String expected, Supplier<T> get) {
    try {
      return get.get();
    } catch (ConfigException.Missing e) {
      throw missing(key);
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new ConfigError(
          "config: " + full(key) + " must be " + expected + ", got " + describe(key));
    }
  }

  private static ConfigError missing(String key) {
    return new ConfigError(
        "config: "
            + full(key)
            + " is required; set it with --set "
            + key
            + "=... or in a --config file");
  }

  private String describe(String key) {
    if (ConfigKeys.isSecret(key)) {
      return "a value that is not shown";
    }
    ConfigValue v = c.getValue(key);
    return v.valueType().name().toLowerCase(Locale.ROOT)
        + " "
        + v.render(ConfigRenderOptions.concise());
  }

  String string(String key) {
    return read(key, "a string", () -> c.getString(key));
  }

  String required(String key) {
    if (!c.hasPath(key)) {
      throw missing(key);
    }
    String v = string(key);
    if (v.isBlank()) {
      throw new ConfigError("config: " + full(key) + " is empty; it is required");
    }
    return v;
  }

  String oneOf(String key, String... allowed) {
    String v = string(key).toLowerCase(Locale.ROOT);
    if (!List.of(allowed).contains(v)) {
      throw new ConfigError(
          "config: " + full(key) + " = '" + string(key) + "' is not one of " + List.of(allowed));
    }
    return v;
  }

  /** One of a closed set, by each value's name as the config writes it (case aside). */
  <E extends Enum<E>> E choice(String key, E[] values, Function<E, String> name) {
    String v = string(key).trim().toLowerCase(Locale.ROOT);
    List<String> names = new ArrayList<>();
    for (E e : values) {
      if (name.apply(e).equals(v)) {
        return e;
      }
      names.add(name.apply(e));
    }
    throw new ConfigError(
        "config: " + full(key) + " = '" + string(key) + "' is not one of " + names);
  }

  boolean bool(String key) {
    return read(key, "true or false", () -> c.getBoolean(key));
  }

  int intAtLeast(String key, int min) {
    int v = read(key, "a whole number", () -> c.getInt(key));
    if (v < min) {
      throw new ConfigError("config: " + full(key) + " must be >= " + min + ", got " + v);
    }
    return v;
  }

  /** A whole number >= min, or {@code auto}. */
  Settings.BatchSize batchSize(String key, int min) {
    if (c.hasPath(key)
        && c.getValue(key).unwrapped() instanceof String v
        && v.trim().equalsIgnoreCase("auto")) {
      return new Settings.BatchSize.Auto();
    }
    int v = read(key, "auto or a whole number", () -> c.getInt(key));
    if (v < min) {
      throw new ConfigError("config: " + full(key) + " must be auto or >= " + min + ", got " + v);
    }
    return new Settings.BatchSize.Fixed(v);
  }

  /** A path, or a non-empty list of paths. */
  List<String> pathList(String key) {
    if (!c.hasPath(key)) {
      throw missing(key);
    }
    List<String> paths =
        c.getValue(key).valueType() == ConfigValueType.LIST
            ? stringList(key)
            : List.of(required(key));
    if (paths.isEmpty() || paths.stream().anyMatch(String::isBlank)) {
      throw new ConfigError("config: " + full(key) + " is empty; it is required");
    }
    return paths;
  }

  long longAtLeast(String key, long min) {
    long v = longValue(key);
    if (v < min) {
      throw new ConfigError("config: " + full(key) + " must be >= " + min + ", got " + v);
    }
    return v;
  }

  /**
   * A whole number in Java's long range, exactly: Typesafe Config reads a longer one as text and
   * saturates it to the range's end, and truncates 1.5, where the job must refuse both.
   */
  long longValue(String key) {
    String expected = "a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
    return read(
        key,
        expected,
        () -> {
          ConfigValue v = c.getValue(key);
          Object raw = v.unwrapped();
          if (raw instanceof Integer || raw instanceof Long) {
            return ((Number) raw).longValue();
          }
          try {
            return new BigDecimal(raw instanceof String t ? t.trim() : String.valueOf(raw))
                .longValueExact();
          } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException.WrongType(v.origin(), key, expected, v.valueType().name());
          }
        });
  }

  BigDecimal decimal(String key) {
    // Through the text the user wrote, so 0.05 stays exactly 0.05.
    return read(
        key,
        "a number",
        () -> {
          ConfigValue v = c.getValue(key);
          Object raw = v.unwrapped();
          try {
            return new BigDecimal(raw instanceof String s ? s.trim() : String.valueOf(raw));
          } catch (NumberFormatException e) {
            throw new ConfigException.WrongType(v.origin(), key, "NUMBER", v.valueType().name());
          }
        });
  }

  List<String> stringList(String key) {
    return read(key, "a list of strings", () -> c.getStringList(key));
  }

  /** A section whose keys the user names, e.g. input.teachers. */
  ConfigObject object(String key) {
    return read(key, "an object { name = ... }", () -> c.getObject(key));
  }
}
