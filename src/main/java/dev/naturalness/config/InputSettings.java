package dev.naturalness.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.naturalness.text.ResponseTemplate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The input section: where the corpus is, its shape, and which columns hold what. */
final class InputSettings {
  private InputSettings() {}

  static Settings.Input read(ConfigReader r) {
    String template = r.string("input.response-template");
    Settings.Columns columns =
        new Settings.Columns(
            r.string("input.columns.prompt_id"),
            r.string("input.columns.prompt"),
            r.string("input.columns.teacher"),
            columnOrList(r, "input.columns.response"),
            r.string("input.columns.response_id"),
            r.string("input.columns.correct"),
            r.string("input.columns.steps"),
            r.string("input.columns.step-ends"),
            r.string("input.columns.messages"),
            r.string("input.columns.conversations"),
            r.string("input.columns.system"),
            r.string("input.columns.generations"),
            r.string("input.columns.complete").trim(),
            r.string("input.columns.finish-reason").trim(),
            r.string("input.columns.teacher-family").trim());
    Settings.Shape shape =
        Settings.Shape.valueOf(
            r.oneOf("input.shape", "flat", "messages", "conversations", "generations", "wide")
                .toUpperCase(Locale.ROOT));
    if (shape == Settings.Shape.FLAT) {
      checkTemplate(
          template, columns.response(), "input.columns.response", "input.response-template");
    }
    Map<String, Settings.WideTeacher> teachers = teachers(r, template);
    if (shape == Settings.Shape.WIDE && teachers.isEmpty()) {
      throw new ConfigError(
          "config: input.shape = wide needs input.teachers, e.g. input.teachers { gemini {"
              + " response = [gemini_thinking_trajectory, gemini_attempt], correct = gemini_grade } }");
    }
    return new Settings.Input(
        r.required("input.path"),
        r.oneOf("input.format", "parquet", "json", "auto"),
        shape,
        columns,
        r.string("input.teacher").trim(),
        template,
        new Settings.Generations(
            stringOrList(r, "input.generations.correct"),
            r.oneOf("input.generations.correct-rule", "any", "all", "first"),
            r.string("input.generations.complete").trim(),
            r.string("input.generations.finish-reasons").trim()),
        teachers,
        families(r),
        thinkMarkers(r));
  }

  /** A column name, or a non-empty list of them. */
  private static List<String> columnOrList(ConfigReader r, String key) {
    List<String> columns = stringOrList(r, key);
    if (columns.isEmpty() || columns.stream().anyMatch(String::isBlank)) {
      throw new ConfigError("config: naturalness." + key + " is empty; name a column, or a list");
    }
    return columns;
  }

  private static List<String> stringOrList(ConfigReader r, String key) {
    if (r.c.hasPath(key) && r.c.getValue(key).valueType() == ConfigValueType.LIST) {
      return r.stringList(key);
    }
    String v = r.string(key).trim();
    return v.isEmpty() ? List.of() : List.of(v);
  }

  /**
   * A response template must be able to join its columns: by name, every column has its
   * placeholder; by position, there is one placeholder per column. Without a template, several
   * columns are joined as they are.
   */
  static void checkTemplate(String template, List<String> columns, String key, String templateKey) {
    if (template.isEmpty()) {
      return;
    }
    List<String> unnamed = ResponseTemplate.unnamed(template, columns);
    if (!unnamed.isEmpty()) {
      throw new ConfigError(
          "config: naturalness."
              + templateKey
              + " names columns but has no placeholder for "
              + unnamed
              + " of naturalness."
              + key);
    }
    int placeholders = ResponseTemplate.placeholders(template).size();
    if (!ResponseTemplate.byName(template, columns) && placeholders != columns.size()) {
      throw new ConfigError(
          "config: naturalness."
              + templateKey
              + " has "
              + placeholders
              + " placeholder(s) but naturalness."
              + key
              + " names "
              + columns.size()
              + " column(s); each column fills one {name}, in order (or a {name} names its"
              + " column)");
    }
  }

  /**
   * input.teachers: per entry, {response = column or [columns], correct = column, teacher = name};
   * the teacher is the entry's name unless given (DeepMath's r1_solution_1..3 are one teacher's).
   */
  private static Map<String, Settings.WideTeacher> teachers(ConfigReader r, String template) {
    Map<String, Settings.WideTeacher> out = new LinkedHashMap<>();
    ConfigObject all = r.object("input.teachers");
    for (String name : new TreeMap<>(all.unwrapped()).keySet()) {
      String key = "input.teachers." + ConfigUtil.quoteString(name);
      ConfigValue v = all.get(name);
      if (v.valueType() != ConfigValueType.OBJECT) {
        throw new ConfigError(
            "config: naturalness.input.teachers."
                + name
                + " must be { response = ..., correct = ... }");
      }
      ConfigObject t = (ConfigObject) v;
      for (String field : t.keySet()) {
        if (!List.of("response", "correct", "teacher", "response-template").contains(field)) {
          throw new ConfigError(
              "config: unknown key 'input.teachers."
                  + name
                  + "."
                  + field
                  + "'; known keys there: [correct, response, response-template, teacher]");
        }
      }
      if (!t.containsKey("response")) {
        throw new ConfigError(
            "config: naturalness.input.teachers." + name + ".response is required");
      }
      List<String> response = columnOrList(r, key + ".response");
      String own =
          t.containsKey("response-template") ? r.string(key + ".response-template") : template;
      checkTemplate(
          own,
          response,
          "input.teachers." + name + ".response",
          t.containsKey("response-template")
              ? "input.teachers." + name + ".response-template"
              : "input.response-template");
      out.put(
          name,
          new Settings.WideTeacher(
              response,
              t.containsKey("correct") ? r.string(key + ".correct").trim() : "",
              t.containsKey("teacher") ? r.string(key + ".teacher").trim() : name,
              own));
    }
    return out;
  }

  /**
   * input.think-markers: marker = replacement, both strings; a marker is not empty (HOCON keys with
   * anything but letters, digits, - and _ are quoted, and quoted keys read escapes as JSON).
   */
  private static Map<String, String> thinkMarkers(ConfigReader r) {
    Map<String, String> out = new TreeMap<>();
    ConfigObject all = r.object("input.think-markers");
    for (Map.Entry<String, ConfigValue> e : all.entrySet()) {
      if (e.getKey().isEmpty() || e.getValue().valueType() != ConfigValueType.STRING) {
        throw new ConfigError(
            "config: naturalness.input.think-markers."
                + ConfigUtil.quoteString(e.getKey())
                + " must be a non-empty marker = its replacement (a string, may be \"\"), e.g."
                + " { \"<|begin_of_thought|>\" = \"<think>\" }");
      }
      out.put(e.getKey(), (String) e.getValue().unwrapped());
    }
    return out;
  }

  private static Map<String, String> families(ConfigReader r) {
    Map<String, String> out = new TreeMap<>();
    ConfigObject all = r.object("input.teacher-families");
    for (Map.Entry<String, ConfigValue> e : all.entrySet()) {
      if (e.getValue().valueType() != ConfigValueType.STRING) {
        throw new ConfigError(
            "config: naturalness.input.teacher-families."
                + e.getKey()
                + " must be a family's name, e.g. qwen2");
      }
      out.put(e.getKey(), ((String) e.getValue().unwrapped()).trim());
    }
    return out;
  }
}
