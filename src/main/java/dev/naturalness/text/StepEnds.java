package dev.naturalness.text;

import dev.naturalness.data.RowStatus;
import dev.naturalness.data.StepInput;
import java.util.ArrayList;
import java.util.List;

/**
 * Steps made upstream as boundaries ({@code scoring.segmenter = step-ends}): strictly increasing
 * offsets into the response, counted in Unicode code points, the last equal to the response's
 * length; step i is the text between end i-1 (or the start) and end i. This is what an LLM grouping
 * step returns once its echo of the text is discarded: the text itself is never retyped.
 */
public final class StepEnds implements StepSource {

  @Override
  public List<Span> steps(String response, StepInput given) {
    if (given == null || given.ends() == null) {
      throw new TextException(
          RowStatus.STEPS_MISSING, "scoring.segmenter = step-ends but the row has no step ends");
    }
    return spans(response, given.ends());
  }

  public static List<Span> spans(String response, long[] ends) {
    int length = response.codePointCount(0, response.length());
    if (ends.length == 0) {
      throw new TextException(
          RowStatus.STEP_ENDS_SHORT,
          "the step ends are empty; the last must be the response's length " + length);
    }
    List<Span> spans = new ArrayList<>(ends.length);
    long previous = 0;
    int previousChar = 0;
    for (int i = 0; i < ends.length; i++) {
      long end = ends[i];
      if (end < 1 || end > length) {
        throw new TextException(
            RowStatus.STEP_ENDS_OUT_OF_RANGE,
            "step end "
                + i
                + " is "
                + end
                + "; ends must lie in [1, "
                + length
                + "] (code points of the response)");
      }
      if (end <= previous) {
        throw new TextException(
            RowStatus.STEP_ENDS_UNSORTED,
            "step end "
                + i
                + " is "
                + end
                + " after "
                + previous
                + "; ends must be strictly increasing");
      }
      int endChar = response.offsetByCodePoints(previousChar, (int) (end - previous));
      spans.add(new Span(previousChar, endChar));
      previous = end;
      previousChar = endChar;
    }
    if (previous != length) {
      throw new TextException(
          RowStatus.STEP_ENDS_SHORT,
          "the last step end is "
              + previous
              + " but the response has "
              + length
              + " code points; the steps must cover it");
    }
    return spans;
  }
}
