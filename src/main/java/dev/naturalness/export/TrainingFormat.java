package dev.naturalness.export;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One training-data format: what output.export calls it, its own columns, what its card says it is,
 * its LLaMA-Factory entry (when LLaMA-Factory reads it) and its rows, one per selected response
 * ({@link ResponseFormat}) or per preference pair ({@link PairFormat}). A new format is a class of
 * its own and a constant of {@link ExportFormat}.
 */
public sealed interface TrainingFormat extends Serializable permits ResponseFormat, PairFormat {
  /** Its name in output.export and under export/. */
  String key();

  /** The format's own columns, before the common ones. */
  List<Feature> columns();

  /** The common columns its rows end with. */
  List<Feature> common();

  /** What the dataset card says the format is and who loads it. */
  String description();

  /**
   * LLaMA-Factory's dataset_info.json entry for a split whose files are in {@code folder} (relative
   * to export/), or empty when LLaMA-Factory does not read the format. A format it reads holds only
   * conversations whose turns alternate user and assistant after an optional first system turn
   * ({@link TrainingRows#alternating}).
   */
  default Optional<Map<String, Object>> llamaFactoryEntry(String folder) {
    return Optional.empty();
  }

  /** Every column its files hold, in order: its own, then the common ones. */
  default List<Feature> schema() {
    List<Feature> all = new ArrayList<>(columns());
    all.addAll(common());
    return List.copyOf(all);
  }
}
