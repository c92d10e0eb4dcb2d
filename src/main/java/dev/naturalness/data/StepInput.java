package dev.naturalness.data;

import java.io.Serializable;
import java.util.List;

/**
 * Steps made upstream, as one row gives them: the step texts (input.columns.steps, which must
 * concatenate to the response) or the step ends (input.columns.step-ends: strictly increasing
 * code-point offsets into the response, the last equal to its length; read as 64-bit numbers, so
 * that a value beyond an int is refused, never wrapped). Either may be null.
 */
public record StepInput(List<String> texts, long[] ends) implements Serializable {
  public static final StepInput NONE = new StepInput(null, null);
}
