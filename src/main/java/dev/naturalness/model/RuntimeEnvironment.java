package dev.naturalness.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The JVM options and process environment that every JVM running the job needs, read from {@code
 * naturalness-runtime.properties}, the one place that holds them (the build and the scripts read
 * the same file). The environment matters most on CPU executors: glibc reads its malloc settings
 * when the process starts, and without them libtorch's large tensors are mapped and unmapped every
 * batch (5-7x slower).
 */
public final class RuntimeEnvironment {
  public static final String RESOURCE = "naturalness-runtime.properties";
  private static final String ENV_PREFIX = "environment.";
  private static final Properties PROPERTIES = load();

  private RuntimeEnvironment() {}

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = RuntimeEnvironment.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** JVM flags, in order: Spark's opens on Java 17 and DJL offline. */
  public static List<String> jvmOptions() {
    return List.of(PROPERTIES.getProperty("jvm.options").trim().split("\\s+"));
  }

  /** Variable name to value, in the file's order of names (sorted; the values are independent). */
  public static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(PROPERTIES.stringPropertyNames());
    Collections.sort(names);
    for (String key : names) {
      if (key.startsWith(ENV_PREFIX)) {
        env.put(key.substring(ENV_PREFIX.length()), PROPERTIES.getProperty(key).trim());
      }
    }
    return Collections.unmodifiableMap(env);
  }

  /** "NAME=value" for each variable the given environment lacks or sets otherwise. */
  public static List<String> missing(Map<String, String> environment) {
    List<String> missing = new ArrayList<>();
    environment()
        .forEach(
            (name, value) -> {
              if (!value.equals(environment.get(name))) {
                missing.add(name + "=" + value);
              }
            });
    return missing;
  }

  /**
   * The JVM options that are system properties (-Dname=value), e.g. for executors'
   * extraJavaOptions.
   */
  public static List<String> systemPropertyOptions() {
    return Arrays.stream(jvmOptions().toArray(new String[0]))
        .filter(o -> o.startsWith("-D"))
        .toList();
  }
}
