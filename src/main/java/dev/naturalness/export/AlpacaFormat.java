package dev.naturalness.export;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Alpaca with system and history, as LLaMA-Factory reads it. */
final class AlpacaFormat implements ResponseFormat {
  @Override
  public String key() {
    return "alpaca";
  }

  @Override
  public List<Feature> columns() {
    return List.of(
        Feature.string("instruction"),
        Feature.string("input"),
        Feature.string("output"),
        Feature.string("system"),
        Feature.list("history", Feature.list(null, Feature.value(null, "string"))));
  }

  @Override
  public String description() {
    return "Alpaca as LLaMA-Factory reads it: `instruction` (the last user turn), `input` (empty),"
        + " `output` (the selected response), `system` (null without a system prompt) and"
        + " `history` (earlier [user, assistant] pairs).";
  }

  @Override
  public Optional<Map<String, Object>> llamaFactoryEntry(String folder) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("file_name", folder);
    e.put("formatting", "alpaca");
    e.put(
        "columns",
        LlamaFactoryInfo.ordered(
            "prompt", "instruction",
            "query", "input",
            "response", "output",
            "system", "system",
            "history", "history"));
    return Optional.of(e);
  }

  @Override
  public ExportRow row(SelectedResponse s) {
    TrainingRows.Alternating a = TrainingRows.alternating(s.prompt());
    if (a.prompt() == null) {
      return ExportRow.leftOut(a.leftOut(), s.columns());
    }
    TrainingRows.Alpaca alpaca = TrainingRows.alpaca(a.prompt());
    // A map that holds a null: no system prompt is a null system column.
    Map<String, Object> own = new HashMap<>();
    own.put("instruction", alpaca.instruction());
    own.put("input", "");
    own.put("output", s.response());
    own.put("system", alpaca.system());
    own.put("history", alpaca.history());
    return ExportRow.kept(own, s.columns());
  }
}
