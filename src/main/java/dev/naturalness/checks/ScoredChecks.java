package dev.naturalness.checks;

import dev.naturalness.data.RowStatus;
import dev.naturalness.data.ScoreTotals;
import dev.naturalness.output.JobFailure;
import java.util.Locale;

/**
 * What a run's scores must pass before anything is published: the model failed on few enough of the
 * rows it ran for, and at least one row has a score.
 */
public final class ScoredChecks {
  private ScoredChecks() {}

  /**
   * Fails when more of the rows the model ran for are model_error than the config allows. The rows
   * the model ran for count those of the unfinished run this one resumes ({@code resumed}): the
   * same student scored them with the same settings, and a rerun would otherwise judge the student
   * on the rows left over, which are the ones it failed on.
   */
  public static void failOnModelErrors(ScoreTotals totals, double maxShare, long resumed) {
    long ran = resumed;
    for (RowStatus status : RowStatus.values()) {
      if (status.modelRan()) {
        ran += totals.byStatusNow().getOrDefault(status.code(), 0L);
      }
    }
    long errors = totals.byStatusNow().getOrDefault(RowStatus.MODEL_ERROR.code(), 0L);
    if (ran > 0 && errors > maxShare * ran) {
      throw new JobFailure(
          String.format(
              Locale.ROOT,
              "%d of the %d rows the student scored (%.1f%%%s) are model_error, above "
                  + "scoring.max-model-error-share = %s; nothing was published. The first: %s",
              errors,
              ran,
              100.0 * errors / ran,
              resumed > 0 ? "; " + resumed + " of them in the run this one resumes" : "",
              maxShare,
              totals.firstModelError()));
    }
  }

  /**
   * A run in which no row has a score (every response blank, every row a duplicate, ...) has
   * nothing to rank or select: it fails, saying how many rows had which status.
   */
  public static void failWhenNothingScored(ScoreTotals totals) {
    if (totals.ok() > 0) {
      return;
    }
    StringBuilder statuses = new StringBuilder();
    totals
        .byStatus()
        .forEach(
            (status, n) ->
                statuses
                    .append(statuses.length() == 0 ? "" : ", ")
                    .append(status)
                    .append(' ')
                    .append(n));
    throw new JobFailure(
        "no row could be scored: "
            + totals.rows()
            + " rows, by status: "
            + statuses
            + "; nothing was published");
  }
}
