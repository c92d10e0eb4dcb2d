package dev.naturalness.text;

import dev.naturalness.data.StepInput;
import dev.naturalness.data.Turn;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/** Template, steps and tokenization of one (prompt, response) pair. */
public final class ResponsePreparer {
  private final PromptTemplate template;
  private final StepSource steps;
  private final TextTokenizer tokenizer;
  private final long bosId;
  private final List<IntUnaryOperator> repeatWindows;
  private long segmentNanos;
  private long tokenizeNanos;
  private long alignNanos;

  /**
   * @param repeatWindows the windows whose repetition is looked for (each gives w_i of step i,
   *     counted from 1), or an empty list to leave repetition out
   */
  public ResponsePreparer(
      PromptTemplate template,
      StepSource steps,
      TextTokenizer tokenizer,
      long bosId,
      List<IntUnaryOperator> repeatWindows) {
    this.template = template;
    this.steps = steps;
    this.tokenizer = tokenizer;
    this.bosId = bosId;
    this.repeatWindows = List.copyOf(repeatWindows);
  }

  public ResponsePreparer(
      PromptTemplate template, StepSource steps, TextTokenizer tokenizer, long bosId) {
    this(template, steps, tokenizer, bosId, List.of());
  }

  /** {@code given}: the steps the row gives (read by the given-step sources only). */
  public PreparedResponse prepare(String prompt, String response, StepInput given) {
    return prepare(prompt, null, response, given);
  }

  /**
   * {@code turns}: a chat row's prompt turns, rendered through the student's chat template (null:
   * the prompt text through its prompt template).
   */
  public PreparedResponse prepare(
      String prompt, List<Turn> turns, String response, StepInput given) {
    long started = System.nanoTime();
    List<Span> spans = steps.steps(response, given);
    long segmented = System.nanoTime();
    String rendered = turns == null ? template.render(prompt) : template.render(turns);
    long[] prefix = tokenizer.encode(rendered, true).ids();
    TokenizedText responseTokens = tokenizer.encode(response, false);
    long tokenized = System.nanoTime();
    AlignedSteps aligned = StepAlignment.align(responseTokens, spans);
    boolean[][] repeated = null;
    if (!repeatWindows.isEmpty()) {
      repeated = new boolean[repeatWindows.size()][];
      for (int w = 0; w < repeated.length; w++) {
        repeated[w] = RepeatedSteps.flags(response, aligned.spans(), repeatWindows.get(w));
      }
    }
    segmentNanos += segmented - started;
    tokenizeNanos += tokenized - segmented;
    alignNanos += System.nanoTime() - tokenized;
    return new PreparedResponse(prefix, responseTokens.ids(), aligned, bosId, repeated);
  }

  /**
   * Seconds spent so far cutting steps, tokenizing (prompt and response), and aligning steps to
   * tokens (with the repetition flags).
   */
  public Map<String, Double> seconds() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("segment", segmentNanos / 1e9);
    out.put("tokenize", tokenizeNanos / 1e9);
    out.put("align", alignNanos / 1e9);
    return out;
  }
}
