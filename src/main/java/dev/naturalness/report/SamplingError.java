package dev.naturalness.report;

import java.io.Serializable;

/**
 * With sampled steps, how precisely a teacher's mean LALP is known: the standard error that step
 * sampling adds to it (not the spread between responses, which the bootstrap interval measures).
 * Each response's standard error at m steps comes from its own (a response scored whole at m has
 * none); the teacher's is sqrt(sum of their squares) / n, the responses without one counted at the
 * others' mean square.
 *
 * @param estimator difference or plain: the estimator the standard errors are of
 * @param sampleSteps m, the sampled steps the figure is for
 * @param responses the teacher's scored responses
 * @param sampled of them, those with more than m steps
 * @param estimated of them, those whose standard error at m is known
 * @param standardError of the teacher's mean LALP (null when none is known)
 * @param coveredShare of the steps of the teacher's sampled responses, the share the GALP pass
 *     reached (the difference estimator's covered stratum; 0 with the plain estimator; null when no
 *     response was sampled)
 * @param mean the teacher's mean LALP (in a plan, the previous run's)
 * @param tier in a run, where sampling lets the leaderboard order the teacher: teachers within
 *     sampling error of their neighbour share its tier ({@link
 *     dev.naturalness.stats.SamplingTiers}); null in a plan
 */
public record SamplingError(
    String student,
    String teacher,
    String estimator,
    int sampleSteps,
    long responses,
    long sampled,
    long estimated,
    Double standardError,
    Double coveredShare,
    Double mean,
    Integer tier)
    implements Serializable {}
