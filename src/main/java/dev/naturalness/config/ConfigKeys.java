package dev.naturalness.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The config's root, and the keys that hold secrets: one list the loader, the reader and the
 * command line share.
 */
public final class ConfigKeys {
  /** Every setting lives under this key. */
  public static final String ROOT = "naturalness";

  /** The keys whose values are credentials. */
  static final List<String> SECRETS = List.of("s3.access-key", "s3.secret-key");

  /**
   * A key that holds a credential by its name, as the launchers mask it (fs.s3a.secret.key, ...).
   */
  private static final Pattern LOOKS_SECRET =
      Pattern.compile("(?i).*(access[-._]?key|secret[-._]?key|session[-._]?token|password).*");

  private ConfigKeys() {}

  /** Whether a key (s3.secret-key, naturalness.s3.secret-key) is one of {@link #SECRETS}. */
  static boolean isSecret(String key) {
    return SECRETS.stream().anyMatch(s -> key.endsWith(s.substring(s.indexOf('.') + 1)));
  }

  /** Whether a key's value is a credential by its name, as the launchers mask it. */
  static boolean looksSecret(String key) {
    return isSecret(key) || LOOKS_SECRET.matcher(key).matches();
  }

  /** NATURALNESS_S3_ACCESS_KEY for s3.access-key. */
  public static String secretVariable(String key) {
    return "NATURALNESS_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * The config with every secret's value shown as ***: the keys of {@link #SECRETS} and any key
   * whose name says it holds a credential, wherever it was set.
   */
  public static Config masked(Config c) {
    Config out = c;
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      String key = e.getKey();
      if (isSecret(key) || LOOKS_SECRET.matcher(key).matches()) {
        out = out.withValue(key, ConfigValueFactory.fromAnyRef("***"));
      }
    }
    return out;
  }
}
