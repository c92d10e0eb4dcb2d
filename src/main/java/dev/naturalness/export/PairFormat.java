package dev.naturalness.export;

import java.util.List;

/** A format with a row per preference pair. */
public non-sealed interface PairFormat extends TrainingFormat {
  /** The pair's row (left out, with its reason, when the format cannot hold it). */
  ExportRow row(ResponsePair p);

  /**
   * The pair's row, left out first when its sides teach no preference ({@link
   * ResponsePair#whyNotAPair}); what the export writes.
   */
  default ExportRow rowOfPair(ResponsePair p) {
    String why = p.whyNotAPair();
    return why == null ? row(p) : ExportRow.leftOut(why, p.columns());
  }

  @Override
  default List<Feature> common() {
    return ResponsePair.COLUMNS;
  }
}
