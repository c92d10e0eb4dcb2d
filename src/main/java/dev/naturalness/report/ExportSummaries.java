package dev.naturalness.report;

import dev.naturalness.export.DatasetCard;
import java.util.Map;
import java.util.TreeMap;

/**
 * summary.json's account of each export: what a written format holds, or why it was not written.
 */
public final class ExportSummaries {
  private ExportSummaries() {}

  /** A written format: its rows per student by split and by teacher, and what it left out. */
  public static RunSummary.Export written(
      String format,
      String path,
      Map<String, Map<String, DatasetCard.Split>> splits,
      Map<String, Map<String, Long>> leftOut) {
    Map<String, Map<String, Long>> bySplit = new TreeMap<>();
    Map<String, Map<String, Long>> byTeacher = new TreeMap<>();
    long total = 0;
    for (Map.Entry<String, Map<String, DatasetCard.Split>> s : splits.entrySet()) {
      for (Map.Entry<String, DatasetCard.Split> split : s.getValue().entrySet()) {
        bySplit
            .computeIfAbsent(s.getKey(), x -> new TreeMap<>())
            .put(split.getKey(), split.getValue().rows());
        total += split.getValue().rows();
        split
            .getValue()
            .rowsByTeacher()
            .forEach(
                (t, n) ->
                    byTeacher
                        .computeIfAbsent(s.getKey(), x -> new TreeMap<>())
                        .merge(t, n, Long::sum));
      }
    }
    return new RunSummary.Export(format, path, total, byTeacher, bySplit, leftOut, null);
  }

  /** A format with no row at all, and why. */
  public static RunSummary.Export notWritten(
      String format, Map<String, Map<String, Long>> leftOut, String why) {
    return new RunSummary.Export(format, null, 0, Map.of(), Map.of(), leftOut, why);
  }
}
