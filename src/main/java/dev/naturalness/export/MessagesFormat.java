package dev.naturalness.export;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TRL's conversational language-modeling form; LLaMA-Factory reads it through its sharegpt tags.
 */
final class MessagesFormat implements ResponseFormat {
  @Override
  public String key() {
    return "messages";
  }

  @Override
  public List<Feature> columns() {
    return List.of(Feature.turns("messages", "role", "content"));
  }

  @Override
  public String description() {
    return "TRL's conversational format: `messages`, a list of {role, content} turns (a system turn"
        + " first where the scored prompt had one, then user and assistant alternating) whose"
        + " last turn is the selected response. LLaMA-Factory reads it through"
        + " `dataset_info.json`.";
  }

  @Override
  public Optional<Map<String, Object>> llamaFactoryEntry(String folder) {
    return Optional.of(
        LlamaFactoryInfo.sharegpt(
            folder,
            false,
            LlamaFactoryInfo.ordered("messages", "messages"),
            LlamaFactoryInfo.tags("role", "content", "user", "assistant", "system")));
  }

  @Override
  public ExportRow row(SelectedResponse s) {
    TrainingRows.Alternating a = TrainingRows.alternating(s.prompt());
    if (a.prompt() == null) {
      return ExportRow.leftOut(a.leftOut(), s.columns());
    }
    return ExportRow.kept(
        Map.of(
            "messages",
            TrainingRows.values(
                TrainingRows.messages(a.prompt(), s.response()), "role", "content")),
        s.columns());
  }
}
