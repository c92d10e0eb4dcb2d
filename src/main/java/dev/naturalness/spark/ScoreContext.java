package dev.naturalness.spark;

import dev.naturalness.config.Settings;
import dev.naturalness.scoring.ScoringOptions;
import java.io.Serializable;

/**
 * What executors need to score: settings records only (never a Config), resolved on the driver.
 *
 * @param studentName the student's name (from student.conf), written on every row
 * @param configHash hash of the student's sha256 and every setting that changes a score
 * @param failFirstAttempt for tests only: every scoring task fails on its first attempt
 * @param failEveryAttempt for tests only: every scoring task fails
 */
public record ScoreContext(
    Settings.Student student,
    Settings.Scoring scoring,
    ScoringOptions options,
    String segmenter,
    boolean stepScores,
    String studentName,
    String configHash,
    boolean failFirstAttempt,
    boolean failEveryAttempt)
    implements Serializable {}
