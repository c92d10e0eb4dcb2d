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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
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
    // Masked as the job resolves keys, however they were spelled: a secret set inside a section
    // (s3={secret-key=...}) or by a quoted path (s3."secret-key") is the same key.
    Config shown = ConfigKeys.masked(parsed.user());
    List<String> out = new ArrayList<>();
    for (String key : parsed.setKeys()) {
      String value =
          ConfigKeys.looksSecret(key)
              ? "***"
              : shown.hasPathOrNull(key) && !shown.getIsNull(key)
                  ? shown.getValue(key).render(ConfigRenderOptions.concise())
                  : "null";
      out.add(key + " = " + value);
    }
    return out;
  }

  /** Where the launchers put the job's arguments, so that none is on a command line. */
  public static final String ENVIRONMENT = "NATURALNESS_JOB_ARGS";

  /**
   * The arguments the launcher left in {@link #ENVIRONMENT} (each base64-encoded, separated by
   * spaces: the environment of a process is readable by its user alone, its command line by anyone)
   * before those of the command line; a first argument that names a mode of the job
   * (--print-settings) stays first.
   */
  public static String[] withEnvironment(String[] argv, String environment) {
    if (environment == null || environment.isBlank()) {
      return argv;
    }
    List<String> out = new ArrayList<>();
    int from = 0;
    if (argv.length > 0 && argv[0].startsWith("--") && !isJobArgument(argv[0])) {
      out.add(argv[0]);
      from = 1;
    }
    for (String token : environment.trim().split(" +")) {
      try {
        out.add(new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new ConfigError(ENVIRONMENT + " holds a word that is not base64");
      }
    }
    out.addAll(List.of(argv).subList(from, argv.length));
    return out.toArray(new String[0]);
  }

  private static boolean isJobArgument(String arg) {
    return arg.equals("--set")
        || arg.equals("--config")
        || arg.startsWith("--set=")
        || arg.startsWith("--config=")
        || arg.equals("--plan-only");
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
          sets.add(keyAndValue(value));
        }
      } else if (arg.startsWith("--config=")) {
        layers.add(parseFile(arg.substring("--config=".length())));
      } else if (arg.startsWith("--set=")) {
        sets.add(keyAndValue(arg.substring("--set=".length())));
      } else if (arg.equals("--plan-only")) {
        sets.add(new String[] {"plan.only", "true"});
      } else {
        throw new ConfigError(
            "unknown argument '"
                + withoutValue(arg)
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
        // Never the value: it may be a secret, whatever its key is called.
        throw new ConfigError(
            "--set "
                + kv[0]
                + ": its value is not a HOCON value (write a text with special characters in"
                + " double quotes)");
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

  /** A --set argument's key and value; one without '=' is refused without echoing it. */
  private static String[] keyAndValue(String arg) {
    int eq = arg.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError(
          "--set needs key=value; an argument of --set has no key before an '=' (it is not"
              + " shown: it may be a secret)");
    }
    return new String[] {arg.substring(0, eq).trim(), arg.substring(eq + 1)};
  }

  /** An argument as an error may show it: up to its first '=', never what follows. */
  static String withoutValue(String arg) {
    int eq = arg.indexOf('=');
    return eq < 0 ? arg : arg.substring(0, eq + 1) + "...";
  }
}
