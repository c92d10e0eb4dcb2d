package dev.naturalness.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The job's command line: {@code --config FILE} (repeatable, later files win; relative paths in a
 * file resolved against the file's directory), {@code --set key=value} over them (relative paths
 * against the working directory), {@code --plan-only}. Every problem is a {@link ConfigError}
 * naming the argument.
 *
 * @param user the user's layers (config files, then --set values over them)
 * @param setKeys the keys --set named, in order
 */
public record CommandLine(Config user, List<String> setKeys) {
  /**
   * Each key the command line sets with --set, as {@code naturalness.key = value} with the value as
   * the job reads it (a HOCON value: strings in quotes, their escapes shown), secrets as ***: what
   * a launcher's --dry-run prints beside the command.
   */
  public static List<String> shownValues(String[] args) {
    CommandLine parsed = parse(args);
    List<String> out = new ArrayList<>();
    for (String key : parsed.setKeys()) {
      String value =
          ConfigKeys.looksSecret(key)
              ? "***"
              : parsed.user().hasPathOrNull(key) && !parsed.user().getIsNull(key)
                  ? parsed.user().getValue(key).render(ConfigRenderOptions.concise())
                  : "null";
      out.add(key + " = " + value);
    }
    return out;
  }

  static CommandLine parse(String[] args) {
    List<Config> layers = new ArrayList<>(); // lowest precedence first
    List<String[]> sets = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--config") || arg.equals("--set")) {
        if (i + 1 >= args.length) {
          throw new ConfigError(arg + " needs a value");
        }
        String value = args[++i];
        if (arg.equals("--config")) {
          layers.add(parseFile(value));
        } else {
          int eq = value.indexOf('=');
          if (eq <= 0) {
            throw new ConfigError("--set " + value + ": expected key=value");
          }
          sets.add(new String[] {value.substring(0, eq).trim(), value.substring(eq + 1)});
        }
      } else if (arg.startsWith("--config=")) {
        layers.add(parseFile(arg.substring("--config=".length())));
      } else if (arg.equals("--plan-only")) {
        sets.add(new String[] {"plan.only", "true"});
      } else {
        throw new ConfigError(
            "unknown argument '"
                + arg
                + "'; usage: [--plan-only] [--config FILE]... [--set key=value]...");
      }
    }
    Config user = ConfigFactory.empty();
    for (Config layer : layers) {
      user = layer.withFallback(user);
    }
    List<String> keys = new ArrayList<>();
    for (String[] kv : sets) {
      String key = kv[0].startsWith(ConfigKeys.ROOT + ".") ? kv[0] : ConfigKeys.ROOT + "." + kv[0];
      ConfigValue value;
      try {
        value = parseValue(kv[1]);
        user = user.withValue(key, value);
      } catch (ConfigException e) {
        throw new ConfigError(
            "--set "
                + kv[0]
                + ": "
                + (ConfigKeys.isSecret(key) ? "not a valid value" : e.getMessage()));
      }
      user = Paths.absolute(user, key, WORKING_DIRECTORY);
      warnOfLiteralEscapes(key, kv[1], value);
      keys.add(key);
    }
    return new CommandLine(user, keys);
  }

  /**
   * An unquoted --set value stays as written, so a \\n in it is a backslash and an n, not a line
   * break; when that is likely a mistake (a template, a shell that ate the quotes), say how to
   * write one. A list or section parsed as HOCON has read its quoted strings' escapes already.
   */
  private static void warnOfLiteralEscapes(String key, String raw, ConfigValue parsed) {
    String v = raw.trim();
    if (!ConfigKeys.isSecret(key)
        && parsed.valueType() == ConfigValueType.STRING
        && !v.startsWith("\"")
        && v.matches("(?s).*\\\\[nt].*")) {
      System.err.println(
          "naturalness: warning: --set "
              + key.substring(ConfigKeys.ROOT.length() + 1)
              + " holds a backslash and an n or t as written; for a line break or tab, quote the"
              + " value as a HOCON string: --set '"
              + key.substring(ConfigKeys.ROOT.length() + 1)
              + "=\"...\\n...\"'");
    }
  }

  /**
   * The directory relative paths on the command line are resolved against: where the job was
   * started.
   */
  static final Path WORKING_DIRECTORY = Path.of("").toAbsolutePath();

  /** A config file, its relative paths resolved against the file's own directory. */
  private static Config parseFile(String path) {
    File file = WORKING_DIRECTORY.resolve(path).toFile();
    if (!file.isFile()) {
      throw new ConfigError("--config " + path + ": no such file");
    }
    Config config;
    try {
      config = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new ConfigError("--config " + path + ": " + e.getMessage());
    }
    for (String key : Paths.KEYS) {
      config =
          Paths.absolute(
              config, ConfigKeys.ROOT + "." + key, file.toPath().toAbsolutePath().getParent());
    }
    checkSecretsNotCut(config, path, file);
    return config;
  }

  /**
   * A secret written without quotes ends where a '#' or '//' starts a HOCON comment, so a key
   * holding one would be cut without a word: refuse it, asking for quotes.
   */
  private static void checkSecretsNotCut(Config config, String path, File file) {
    for (String key : ConfigKeys.SECRETS) {
      if (!config.hasPath(ConfigKeys.ROOT + "." + key)) {
        continue;
      }
      int line = config.getValue(ConfigKeys.ROOT + "." + key).origin().lineNumber();
      List<String> lines;
      try {
        lines = Files.readAllLines(file.toPath());
      } catch (IOException e) {
        throw new ConfigError("--config " + path + ": " + e.getMessage());
      }
      if (line < 1 || line > lines.size()) {
        continue;
      }
      String name = key.substring(key.lastIndexOf('.') + 1);
      Matcher m =
          Pattern.compile(Pattern.quote(name) + "\\s*[=:]\\s*(.*)$").matcher(lines.get(line - 1));
      if (m.find()
          && !m.group(1).startsWith("\"")
          && (m.group(1).contains("#") || m.group(1).contains("//"))) {
        throw new ConfigError(
            "--config "
                + path
                + " line "
                + line
                + ": "
                + key
                + " is cut where an unquoted '#' or '//' starts a HOCON comment; write the key in"
                + " double quotes");
      }
    }
  }

  /**
   * A --set value, read as HOCON reads a value after {@code key =}, except that an unquoted text
   * stays as it is written (so paths keep their //, # and :): surrounding white space is dropped; a
   * value in double quotes is a HOCON string, its escapes ({@code \\n}, {@code \\"}, {@code
   * \\u00e9}) read as such; a list ({@code [a, b]}) or a section ({@code {response = a}}) is HOCON;
   * {@code null} is null.
   */
  static ConfigValue parseValue(String raw) {
    String v = raw.trim();
    if (v.startsWith("[")) {
      return ConfigFactory.parseString("v = " + v).getValue("v");
    }
    if (v.equals("null")) {
      return ConfigValueFactory.fromAnyRef(null);
    }
    if (v.startsWith("\"")) {
      ConfigValue quoted = ConfigFactory.parseString("v = " + v).getValue("v");
      if (quoted.valueType() != ConfigValueType.STRING) {
        throw new ConfigException.BadValue("v", "a quoted value must be one HOCON string");
      }
      return quoted;
    }
    if (v.startsWith("{")) {
      // A section (input.teachers.x={response = a}); a text that merely starts with a brace (a
      // response template "{reasoning}...") is no HOCON object and stays a string.
      try {
        return ConfigFactory.parseString("v = " + v).getValue("v");
      } catch (ConfigException e) {
        return ConfigValueFactory.fromAnyRef(v);
      }
    }
    return ConfigValueFactory.fromAnyRef(v);
  }
}
