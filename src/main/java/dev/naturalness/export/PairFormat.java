package dev.naturalness.export;

import java.util.List;

/** A format with a row per preference pair. */
public non-sealed interface PairFormat extends TrainingFormat {
  /** The pair's row (left out, with its reason, when the format cannot hold it). */
  ExportRow row(ResponsePair p);

  @Override
  default List<Feature> common() {
    return ResponsePair.COLUMNS;
  }
}
