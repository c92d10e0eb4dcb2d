package dev.naturalness.report;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/** The teacher table as the console shows it: LALP and GALP side by side. */
public final class Leaderboard {
  private Leaderboard() {}

  public static String format(List<Row> teachers) {
    StringBuilder out = new StringBuilder();
    String header =
        String.format(
            Locale.ROOT,
            "%-4s %-22s %8s %-19s %6s   %-4s %8s %-19s %6s   %7s %6s%n",
            "rank",
            "teacher",
            "LALP",
            "95% interval",
            "wins",
            "rank",
            "GALP",
            "95% interval",
            "wins",
            "scored",
            "errors");
    out.append(header);
    out.append("-".repeat(header.length() - 1)).append('\n');
    for (Row r : teachers) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-4s %-22s %8s %-19s %6s   %-4s %8s %-19s %6s   %7d %6d%n",
              rank(r, "lalp_rank"),
              truncate(r.getAs("teacher"), 22),
              number(r, "lalp_mean"),
              interval(r, "lalp"),
              percent(r, "lalp_win_rate"),
              rank(r, "galp_rank"),
              number(r, "galp_mean"),
              interval(r, "galp"),
              percent(r, "galp_win_rate"),
              (long) r.getAs("n_scored"),
              (long) r.getAs("n_errors")));
    }
    return out.toString();
  }

  private static String truncate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  private static String rank(Row r, String field) {
    Object v = r.getAs(field);
    return v == null ? "-" : "#" + v;
  }

  private static String number(Row r, String field) {
    Object v = r.getAs(field);
    return v == null ? "-" : String.format(Locale.ROOT, "%.4f", (Double) v);
  }

  private static String interval(Row r, String metric) {
    Object low = r.getAs(metric + "_ci_low");
    Object high = r.getAs(metric + "_ci_high");
    return low == null
        ? "-"
        : String.format(Locale.ROOT, "[%.4f, %.4f]", (Double) low, (Double) high);
  }

  private static String percent(Row r, String field) {
    Object v = r.getAs(field);
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * (Double) v);
  }
}
