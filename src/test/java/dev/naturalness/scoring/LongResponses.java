package dev.naturalness.scoring;

import dev.naturalness.data.StepInput;
import dev.naturalness.model.Student;
import dev.naturalness.text.PreparedResponse;
import dev.naturalness.text.PromptTemplate;
import dev.naturalness.text.ResponsePreparer;
import dev.naturalness.text.StepSource;

/** Responses of many steps for the sampling tests, prepared as a scoring task prepares them. */
final class LongResponses {
  private LongResponses() {}

  static final String PROMPT =
      "Mia has 12 apples. She buys 7 more each day. How many after a while?";

  /** A long response of {@code steps} paragraphs of varied arithmetic. */
  static String longResponse(int steps) {
    StringBuilder out = new StringBuilder();
    int total = 12;
    for (int i = 0; i < steps; i++) {
      int add = 3 + (i * 7) % 11;
      out.append(i > 0 ? "\n\n" : "");
      switch (i % 3) {
        case 0 ->
            out.append("Day ").append(i + 1).append(": ").append(total).append(" + ").append(add);
        case 1 ->
            out.append("Mia buys ").append(add).append(" more, so she has ").append(total + add);
        default -> out.append("After that, ").append(total).append(" + ").append(add).append(" = ");
      }
      total += add;
      out.append(i % 3 == 2 ? total + "." : ".");
    }
    return out.toString();
  }

  static PreparedResponse prepare(Student student, String response) {
    return new ResponsePreparer(
            new PromptTemplate(student.manifest().promptTemplate()),
            StepSource.named("paragraph"),
            student.tokenizer(),
            student.manifest().bosId())
        .prepare(PROMPT, response, new StepInput(null, null));
  }
}
