package dev.naturalness.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.naturalness.data.ScoreTotals;
import dev.naturalness.output.JobFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model-error share a run must stay under, the rows of a run it resumes counted. */
class ScoredChecksTest {
  /** 3 rows the model failed on now, 1 it scored now. */
  static final ScoreTotals TOTALS =
      new ScoreTotals(
          Map.of("ok", 7L, "model_error", 3L),
          Map.of("ok", 1L, "model_error", 3L),
          100,
          100,
          1,
          6,
          "model returned NaN");

  @Test
  void theShareCountsTheRowsTheResumedRunScored() {
    JobFailure alone =
        assertThrows(JobFailure.class, () -> ScoredChecks.failOnModelErrors(TOTALS, 0.5, 0));
    assertEquals(
        "3 of the 4 rows the student scored (75.0%) are model_error, above"
            + " scoring.max-model-error-share = 0.5; nothing was published. The first: model"
            + " returned NaN",
        alone.getMessage());
    ScoredChecks.failOnModelErrors(TOTALS, 0.5, 6);
    JobFailure resumed =
        assertThrows(JobFailure.class, () -> ScoredChecks.failOnModelErrors(TOTALS, 0.2, 6));
    assertEquals(
        "3 of the 10 rows the student scored (30.0%; 6 of them in the run this one resumes) are"
            + " model_error, above scoring.max-model-error-share = 0.2; nothing was published. The"
            + " first: model returned NaN",
        resumed.getMessage());
  }
}
