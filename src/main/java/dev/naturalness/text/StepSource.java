package dev.naturalness.text;

import dev.naturalness.data.StepInput;
import java.util.List;
import java.util.Locale;

/**
 * Where a response's steps come from: a segmenter that cuts the text, or steps made upstream and
 * given in the row (as texts or as ends). Either way the result is spans that tile the response.
 */
public interface StepSource {
  /** The source of steps given as texts in the row ({@code input.columns.steps}). */
  String GIVEN_STEPS = "column";

  /** The source of steps given as character ends in the row ({@code input.columns.step-ends}). */
  String GIVEN_STEP_ENDS = "step-ends";

  /** The names of {@code scoring.segmenter}. */
  List<String> NAMES = List.of("paragraph", "line", "sentence", GIVEN_STEPS, GIVEN_STEP_ENDS);

  /**
   * The response's steps; {@code given} is what the row holds (only the given-step sources read
   * it).
   */
  List<Span> steps(String response, StepInput given);

  static StepSource named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "paragraph" -> new ParagraphSegmenter();
      case "line" -> new LineSegmenter();
      case "sentence" -> new SentenceSegmenter();
      case GIVEN_STEPS -> new GivenSteps();
      case GIVEN_STEP_ENDS -> new StepEnds();
      default ->
          throw new IllegalArgumentException(
              "unknown segmenter '" + name + "'; expected one of " + NAMES);
    };
  }

  /** Whether the source reads steps from the row rather than cutting the text. */
  static boolean isGiven(String name) {
    return name.equals(GIVEN_STEPS) || name.equals(GIVEN_STEP_ENDS);
  }
}
