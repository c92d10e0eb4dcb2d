package dev.naturalness.export;

import java.util.List;
import java.util.Map;

/** Preference pairs in TRL's conversational explicit-prompt form (DPOTrainer). */
final class PairsFormat implements PairFormat {
  @Override
  public String key() {
    return "pairs";
  }

  @Override
  public List<Feature> columns() {
    return List.of(
        Feature.turns("prompt", "role", "content"),
        Feature.turns("chosen", "role", "content"),
        Feature.turns("rejected", "role", "content"));
  }

  @Override
  public String description() {
    return "Preference pairs in TRL's conversational explicit-prompt form (DPOTrainer): per prompt"
        + " and student, `prompt` (the scored prompt's turns, as they were), the best"
        + " candidate by LALP as `chosen` and the worst as `rejected` (one assistant turn"
        + " each), with both scores and their `margin`. A prompt whose best and worst are the"
        + " same text, or within the scores' precision (1e-4), gives no pair: the card counts it"
        + " as left out.";
  }

  @Override
  public ExportRow row(ResponsePair p) {
    return ExportRow.kept(
        Map.of(
            "prompt", TrainingRows.values(p.prompt(), "role", "content"),
            "chosen",
                TrainingRows.values(
                    TrainingRows.assistant(p.chosen().response()), "role", "content"),
            "rejected",
                TrainingRows.values(
                    TrainingRows.assistant(p.rejected().response()), "role", "content")),
        p.columns());
  }
}
