package dev.naturalness;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The keys of reference.conf, for tests that must see every one of them. */
public final class ReferenceKeys {
  private ReferenceKeys() {}

  /**
   * Every leaf key of reference.conf, without the root (null values included); a section that is
   * empty there (its keys are the user's, e.g. input.teachers) is one key.
   */
  public static Set<String> all() {
    Set<String> keys = new TreeSet<>();
    flatten(
        "", ConfigFactory.parseResources("reference.conf").getConfig("naturalness").root(), keys);
    return keys;
  }

  private static void flatten(String prefix, ConfigObject object, Set<String> keys) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof ConfigObject child && !child.isEmpty()) {
        flatten(key + ".", child, keys);
      } else {
        keys.add(key);
      }
    }
  }
}
