package dev.naturalness.export;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** ShareGPT (human/gpt, a system turn first where there is one): LLaMA-Factory, axolotl. */
final class SharegptFormat implements ResponseFormat {
  @Override
  public String key() {
    return "sharegpt";
  }

  @Override
  public List<Feature> columns() {
    return List.of(Feature.turns("conversations", "from", "value"));
  }

  @Override
  public String description() {
    return "ShareGPT: `conversations`, a list of {from, value} (a `system` turn first where the"
        + " scored prompt had one, then `human` and `gpt` alternating) ending with the"
        + " selected response. LLaMA-Factory reads it through `dataset_info.json`.";
  }

  @Override
  public Optional<Map<String, Object>> llamaFactoryEntry(String folder) {
    return Optional.of(
        LlamaFactoryInfo.sharegpt(
            folder,
            false,
            LlamaFactoryInfo.ordered("messages", "conversations"),
            LlamaFactoryInfo.sharegptTags()));
  }

  @Override
  public ExportRow row(SelectedResponse s) {
    TrainingRows.Alternating a = TrainingRows.alternating(s.prompt());
    if (a.prompt() == null) {
      return ExportRow.leftOut(a.leftOut(), s.columns());
    }
    return ExportRow.kept(
        Map.of(
            "conversations",
            TrainingRows.values(TrainingRows.sharegpt(a.prompt(), s.response()), "from", "value")),
        s.columns());
  }
}
