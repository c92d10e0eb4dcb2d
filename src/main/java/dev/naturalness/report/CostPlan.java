package dev.naturalness.report;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What scoring a corpus with one student will cost, planned without its model: model tokens per
 * metric and in all (a prompt shared in a packed unit counted once, as a run counts them), their
 * spread over responses, the most expensive responses, and an estimate of device hours.
 *
 * @param rows rows planned (those to score now)
 * @param scorable rows that reach the model (the rest are error rows)
 * @param responseTokens tokens in their responses
 * @param modelTokens what the model will run, as configured
 * @param galpTokens for GALP alone; {@code lalpTokens} for LALP alone
 * @param lalpToGalp lalpTokens / galpTokens: what local windows cost against one global pass
 * @param exactTokens for every step (equals modelTokens without step sampling)
 * @param controlTokens of modelTokens, those of GALP passes run only as the difference estimator's
 *     control (sampled responses when GALP is not a metric)
 * @param sampledResponses responses longer than scoring.sample-steps, scored on a sample of steps
 * @param coveredShare of the sampled responses' steps, the share the GALP pass reaches (the
 *     difference estimator's covered stratum, estimated with the GALP pass as a control); null when
 *     nothing is sampled
 * @param costPercentiles per-response model tokens at p50, p90, p99 and max (upper bounds of bins
 *     an eighth of a doubling wide, max exact)
 * @param mostExpensive the ten responses that cost most
 * @param tokensPerSecond the rate the estimate assumes, and {@code rateSource} where it comes from
 *     (null when none is known)
 * @param deviceHours modelTokens / tokensPerSecond / 3600: hours on one device (null when no rate)
 * @param expectedSamplingError with sampled steps, per teacher, the standard error sampling is
 *     expected to add to its mean LALP, from a previous run's scores ({@code samplingSource});
 *     empty when none is known
 */
public record CostPlan(
    String student,
    long rows,
    long scorable,
    long responseTokens,
    long modelTokens,
    long galpTokens,
    long lalpTokens,
    Double lalpToGalp,
    long exactTokens,
    long controlTokens,
    long sampledResponses,
    Double coveredShare,
    Map<String, Long> costPercentiles,
    List<Expensive> mostExpensive,
    Double tokensPerSecond,
    String rateSource,
    Double deviceHours,
    List<SamplingError> expectedSamplingError,
    String samplingSource)
    implements Serializable {

  /** The same plan with the rate its estimate assumes (null: none known) and where it is from. */
  public CostPlan withRate(Double rate, String source) {
    return with(
        rate,
        source,
        rate == null ? null : modelTokens / rate / 3600.0,
        expectedSamplingError,
        samplingSource);
  }

  /** The same plan with the sampling error expected per teacher, and where it is from. */
  public CostPlan withSampling(List<SamplingError> expected, String source) {
    return with(tokensPerSecond, rateSource, deviceHours, expected, source);
  }

  /** The same counts with other estimates. */
  private CostPlan with(
      Double rate,
      String source,
      Double hours,
      List<SamplingError> expected,
      String expectedSource) {
    return new CostPlan(
        student,
        rows,
        scorable,
        responseTokens,
        modelTokens,
        galpTokens,
        lalpTokens,
        lalpToGalp,
        exactTokens,
        controlTokens,
        sampledResponses,
        coveredShare,
        costPercentiles,
        mostExpensive,
        rate,
        source,
        hours,
        expected,
        expectedSource);
  }

  /** One costly response. */
  public record Expensive(
      String responseId,
      String promptId,
      String teacher,
      int steps,
      int responseTokens,
      long modelTokens)
      implements Serializable {}
}
