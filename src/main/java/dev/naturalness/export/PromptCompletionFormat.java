package dev.naturalness.export;

import java.util.List;
import java.util.Map;

/** TRL's conversational prompt-completion form: the scored prompt's turns as they were. */
final class PromptCompletionFormat implements ResponseFormat {
  @Override
  public String key() {
    return "prompt-completion";
  }

  @Override
  public List<Feature> columns() {
    return List.of(
        Feature.turns("prompt", "role", "content"), Feature.turns("completion", "role", "content"));
  }

  @Override
  public String description() {
    return "TRL's conversational prompt-completion format: `prompt` (the scored prompt's turns, as"
        + " they were) and `completion` (the selected response as the assistant's turn).";
  }

  @Override
  public ExportRow row(SelectedResponse s) {
    return ExportRow.kept(
        Map.of(
            "prompt", TrainingRows.values(s.prompt(), "role", "content"),
            "completion",
                TrainingRows.values(TrainingRows.assistant(s.response()), "role", "content")),
        s.columns());
  }
}
