package dev.naturalness.export;

import java.util.List;

/** A format with a row per selected response. */
public non-sealed interface ResponseFormat extends TrainingFormat {
  /** The selected response's row (left out, with its reason, when the format cannot hold it). */
  ExportRow row(SelectedResponse s);

  @Override
  default List<Feature> common() {
    return SelectedResponse.COLUMNS;
  }
}
