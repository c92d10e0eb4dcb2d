package dev.naturalness.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.model.Student;
import dev.naturalness.text.PreparedResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * scoring.sample-steps = m: exact when a response has at most m steps; otherwise an unbiased
 * estimate of the exact LALP whose reported standard error matches its spread over samples, and the
 * same sample for the same response_id every time.
 */
class SampledStepsTest {
  static ScoreDefinition definition(int m) {
    return ScoreDefinition.defaults(2048).withSampleSteps(m);
  }

  static ResponseScore.WindowScore score(Student student, int m, PreparedResponse r, String id) {
    ResponseScorer scorer =
        new ResponseScorer(
            definition(m), Execution.defaults().withBatch(4096, 512), student.model());
    return scorer.score(List.of(r), List.of(id)).get(0).windows().get(0);
  }

  @Test
  void aResponseWithAtMostMStepsIsScoredExactly() {
    Student student = GoldenCases.student();
    PreparedResponse r = LongResponses.prepare(student, LongResponses.longResponse(12));
    ResponseScore.WindowScore exact = score(student, 0, r, "r1");
    for (int m : new int[] {12, 40}) {
      ResponseScore.WindowScore sampled = score(student, m, r, "r1");
      assertEquals(exact.lalp(), sampled.lalp(), 1e-9, "m = " + m);
      assertEquals(12, sampled.stepsScored());
      assertEquals(0.0, sampled.standardError(), 0);
      assertArrayEquals(exact.stepScores(), sampled.stepScores(), 1e-7f);
    }
  }

  @Test
  void overManyResponseIdsTheSampledMeanIsWithinThreeStandardErrorsOfTheExactValue() {
    Student student = GoldenCases.student();
    int steps = 60;
    int m = 8;
    PreparedResponse r = LongResponses.prepare(student, LongResponses.longResponse(steps));
    ResponseScore.WindowScore exact = score(student, 0, r, "exact");
    assertEquals(steps, exact.stepsScored());
    int draws = 150;
    List<PreparedResponse> same = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < draws; i++) {
      same.add(r);
      ids.add("seed-" + i);
    }
    ResponseScorer scorer =
        new ResponseScorer(
            definition(m), Execution.defaults().withBatch(4096, 512), student.model());
    List<ResponseScore> sampled = scorer.score(same, ids);
    double sum = 0;
    double sumSq = 0;
    double reportedVariance = 0;
    for (ResponseScore s : sampled) {
      ResponseScore.WindowScore w = s.windows().get(0);
      assertEquals(m, w.stepsScored());
      sum += w.lalp();
      sumSq += w.lalp() * w.lalp();
      reportedVariance += w.standardError() * w.standardError() / draws;
    }
    double mean = sum / draws;
    double spread = Math.sqrt((sumSq - draws * mean * mean) / (draws - 1));
    double errorOfMean = spread / Math.sqrt(draws);
    // The finite-population variance of the mean of m of the exact step scores, computed here.
    double[] all = new double[steps];
    for (int i = 0; i < steps; i++) {
      all[i] = exact.stepScores()[i];
    }
    double mu = Arrays.stream(all).average().orElseThrow();
    double s2 = Arrays.stream(all).map(x -> (x - mu) * (x - mu)).sum() / (steps - 1);
    double trueVariance = s2 / m * (1 - (double) m / steps);
    System.out.printf(
        Locale.ROOT,
        "sampled m=%d of %d steps over %d ids: mean %.5f vs exact %.5f (SE of mean %.5f); "
            + "spread %.4f, reported SE %.4f, true SE %.4f%n",
        m,
        steps,
        draws,
        mean,
        exact.lalp(),
        errorOfMean,
        spread,
        Math.sqrt(reportedVariance),
        Math.sqrt(trueVariance));
    assertTrue(Math.abs(mean - exact.lalp()) <= 3 * errorOfMean, "unbiased within 3 SE");
    double ratio = reportedVariance / trueVariance;
    assertTrue(ratio > 0.7 && ratio < 1.3, "the reported SE estimates the true one: " + ratio);
    double spreadRatio = spread * spread / trueVariance;
    assertTrue(spreadRatio > 0.7 && spreadRatio < 1.4, "the spread is the true SE: " + spreadRatio);
  }

  @Test
  void theSameResponseIdDrawsTheSameStepsInAnyBatchAndAnotherIdOtherSteps() {
    Student student = GoldenCases.student();
    PreparedResponse r = LongResponses.prepare(student, LongResponses.longResponse(50));
    ResponseScore.WindowScore alone = score(student, 10, r, "resp-42");
    ResponseScorer scorer =
        new ResponseScorer(
            definition(10), Execution.defaults().withBatch(2048, 256), student.model());
    List<ResponseScore> inBatch =
        scorer.score(
            List.of(
                LongResponses.prepare(student, LongResponses.longResponse(30)),
                r,
                LongResponses.prepare(student, LongResponses.longResponse(7))),
            List.of("other", "resp-42", "third"));
    ResponseScore.WindowScore again = inBatch.get(1).windows().get(0);
    assertEquals(alone.lalp(), again.lalp(), 1e-6);
    assertArrayEquals(alone.stepSpans(), again.stepSpans());
    assertArrayEquals(StepSample.choose("resp-42", 50, 10), StepSample.choose("resp-42", 50, 10));
    Set<String> samples = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      samples.add(Arrays.toString(StepSample.choose("id-" + i, 50, 10)));
    }
    assertTrue(samples.size() > 15, "ids draw different samples: " + samples.size());
  }
}
