package dev.naturalness.text;

import java.util.List;

/** Template, segmentation and tokenization of one (prompt, response) pair. */
public final class ResponsePreparer {
  private final PromptTemplate template;
  private final Segmenter segmenter; // null: the steps are given in a column
  private final TextTokenizer tokenizer;
  private final long bosId;

  public ResponsePreparer(
      PromptTemplate template, Segmenter segmenter, TextTokenizer tokenizer, long bosId) {
    this.template = template;
    this.segmenter = segmenter;
    this.tokenizer = tokenizer;
    this.bosId = bosId;
  }

  /** {@code givenSteps} is used (and required) when the segmenter is {@code column}. */
  public PreparedResponse prepare(String prompt, String response, List<String> givenSteps) {
    List<Span> steps;
    if (segmenter == null) {
      if (givenSteps == null) {
        throw new TextException(
            "steps_missing", "scoring.segmenter = column but the row has no steps");
      }
      steps = GivenSteps.spans(response, givenSteps);
    } else {
      steps = segmenter.segment(response);
    }
    long[] prefix = tokenizer.encode(template.render(prompt), true).ids();
    TokenizedText responseTokens = tokenizer.encode(response, false);
    return new PreparedResponse(
        prefix, responseTokens.ids(), StepAlignment.stepTokenBounds(responseTokens, steps), bosId);
  }
}
