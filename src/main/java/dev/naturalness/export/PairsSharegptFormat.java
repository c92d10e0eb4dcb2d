package dev.naturalness.export;

import dev.naturalness.data.Turn;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Preference pairs in LLaMA-Factory's ranking form (sharegpt, chosen and rejected turns). */
final class PairsSharegptFormat implements PairFormat {
  @Override
  public String key() {
    return "pairs-sharegpt";
  }

  @Override
  public List<Feature> columns() {
    return List.of(
        Feature.turns("conversations", "from", "value"),
        Feature.turn("chosen", "from", "value"),
        Feature.turn("rejected", "from", "value"));
  }

  @Override
  public String description() {
    return "Preference pairs in LLaMA-Factory's ranking form (`ranking: true`):"
        + " `conversations` (the prompt as ShareGPT turns, ending with `human`), `chosen` and"
        + " `rejected` (one {from: gpt, value} each), from the same choice as `pairs`.";
  }

  @Override
  public Optional<Map<String, Object>> llamaFactoryEntry(String folder) {
    return Optional.of(
        LlamaFactoryInfo.sharegpt(
            folder,
            true,
            LlamaFactoryInfo.ordered(
                "messages", "conversations", "chosen", "chosen", "rejected", "rejected"),
            LlamaFactoryInfo.sharegptTags()));
  }

  @Override
  public ExportRow row(ResponsePair p) {
    TrainingRows.Alternating a = TrainingRows.alternating(p.prompt());
    if (a.prompt() == null) {
      return ExportRow.leftOut(a.leftOut(), p.columns());
    }
    return ExportRow.kept(
        Map.of(
            "conversations",
            TrainingRows.values(TrainingRows.sharegpt(a.prompt(), null), "from", "value"),
            "chosen",
            TrainingRows.value(new Turn(TrainingRows.GPT, p.chosen().response()), "from", "value"),
            "rejected",
            TrainingRows.value(
                new Turn(TrainingRows.GPT, p.rejected().response()), "from", "value")),
        p.columns());
  }
}
