package dev.naturalness.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;

/** summary.json: counts, tokens, time per stage, throughput and the resolved config. */
public final class RunSummary {
  private final Map<String, Object> root = new LinkedHashMap<>();
  private final Map<String, Object> counts = new LinkedHashMap<>();
  private final Map<String, Object> stageSeconds = new LinkedHashMap<>();

  public RunSummary() {
    root.put("counts", counts);
    root.put("stage_seconds", stageSeconds);
  }

  public RunSummary put(String key, Object value) {
    root.put(key, value);
    return this;
  }

  public RunSummary count(String key, Object value) {
    counts.put(key, value);
    return this;
  }

  public RunSummary stage(String stage, double seconds) {
    stageSeconds.put(stage, Math.round(seconds * 1000) / 1000.0);
    return this;
  }

  public Object get(String key) {
    return root.get(key);
  }

  /** The whole summary (live view). */
  public Map<String, Object> asMap() {
    return root;
  }

  public Map<String, Object> counts() {
    return counts;
  }

  public Map<String, Object> stages() {
    return stageSeconds;
  }

  public String toJson() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root)
          + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
