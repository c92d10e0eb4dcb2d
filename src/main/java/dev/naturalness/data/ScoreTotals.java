package dev.naturalness.data;

import java.util.Map;

/**
 * What the scores add up to, in one pass: rows per status (all, and those the model ran for in this
 * run), tokens, and rows scored now or reused.
 *
 * @param byStatusNow per status, the rows scored in this run (not reused)
 * @param responseTokens tokens in the scored responses; {@code modelTokens} what the model ran
 * @param scoredNow rows scored ok in this run; {@code reused} rows whose scores the cache held
 * @param firstModelError the reason of one model_error row (null when there is none)
 */
public record ScoreTotals(
    Map<String, Long> byStatus,
    Map<String, Long> byStatusNow,
    long responseTokens,
    long modelTokens,
    long scoredNow,
    long reused,
    String firstModelError) {

  public long rows() {
    return byStatus.values().stream().mapToLong(Long::longValue).sum();
  }

  public long ok() {
    return byStatus.getOrDefault(RowStatus.OK.code(), 0L);
  }
}
