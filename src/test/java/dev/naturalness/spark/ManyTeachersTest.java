package dev.naturalness.spark;

import dev.naturalness.JobArgs;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Metric;
import dev.naturalness.data.TeacherSummary;
import dev.naturalness.report.Leaderboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * A teacher column that names a different teacher on every row (a mis-mapped column) gives 100,000
 * teachers: the teacher table is computed with the default 1,000 resamples under the test JVM's
 * heap (holding resamples x teachers per partition would take 3.2 GB), and the console leaderboard
 * stays short.
 */
class ManyTeachersTest extends SparkTestBase {
  static final int TEACHERS = 100_000;

  @Test
  void oneHundredThousandTeachersAreRankedWithTheDefaultBootstrapInBoundedMemory() {
    List<ScoreFixtures.Made> rows = new ArrayList<>();
    for (int i = 0; i < TEACHERS; i++) {
      double v = -1 - (i % 997) / 1000.0;
      rows.add(
          new ScoreFixtures.Made(
              String.format(Locale.ROOT, "r%06d", i),
              String.format(Locale.ROOT, "p%04d", i % 1000),
              String.format(Locale.ROOT, "model-%06d", i),
              v,
              v - 1,
              "ok"));
    }
    Settings.Teachers defaults =
        JobArgs.none()
            .sets("input.path=x", "output.path=y", "student.path=z")
            .settings()
            .teachers();
    Assertions.assertEquals(1000, defaults.bootstrapSamples());
    List<TeacherSummary> table =
        TeacherStage.aggregateTeachers(
            ScoreFixtures.scores(spark(), rows).repartition(4), defaults, List.of("fraction=0.25"));
    Assertions.assertEquals(TEACHERS, table.size());
    double total = 0;
    for (TeacherSummary t : table) {
      total += t.of(Metric.LALP).topProbability();
      // No prompt has every teacher: there is no balanced mean.
      Assertions.assertNull(t.of(Metric.LALP).balancedMean());
    }
    Assertions.assertEquals(1.0, total, 1e-6, "every resample has one leader");
    // The best teachers are those with the highest value: i % 997 == 0.
    Assertions.assertEquals(-1.0, table.get(0).of(Metric.LALP).mean(), 1e-12);
    Assertions.assertEquals(1, table.get(0).of(Metric.LALP).rank());
    Assertions.assertEquals(TEACHERS, table.get(TEACHERS - 1).of(Metric.LALP).rank());
    String board = Leaderboard.format(table);
    Assertions.assertTrue(
        board.lines().count() < 60, "the console shows the best, not 100,000 lines");
    Assertions.assertTrue(board.contains("... and 99,960 more teachers in teachers/"), board);
    Assertions.assertTrue(TeacherStage.looksLikeOneTeacherPerRow(TEACHERS, TEACHERS));
    Assertions.assertTrue(!TeacherStage.looksLikeOneTeacherPerRow(9, 1353));
    Assertions.assertTrue(!TeacherStage.looksLikeOneTeacherPerRow(15, 20));
  }
}
