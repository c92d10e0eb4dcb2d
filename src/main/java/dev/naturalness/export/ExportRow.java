package dev.naturalness.export;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A row of a format: its values by column name (a struct as a map by field name, a list as a list),
 * and why it is left out of the format (null when it is kept; a left-out row has only the common
 * columns).
 */
public record ExportRow(String leftOut, Map<String, Object> values) {

  /** A kept row: the format's own values, then the common columns'. */
  static ExportRow kept(Map<String, Object> own, Map<String, Object> common) {
    Map<String, Object> all = new LinkedHashMap<>(own);
    all.putAll(common);
    return new ExportRow(null, all);
  }

  /** A row the format cannot hold, and why. */
  static ExportRow leftOut(String reason, Map<String, Object> common) {
    return new ExportRow(reason, common);
  }
}
