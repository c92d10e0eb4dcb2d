package dev.naturalness.scoring;

import dev.naturalness.data.Metric;
import dev.naturalness.text.PreparedResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans the sequences that score one response exactly.
 *
 * <p>Step i's window is context ++ s_{i-w}..s_i, where context is the rendered prompt (or only BOS
 * when the prompt is left out). When it would exceed max tokens, the oldest window steps go first,
 * then the context is cut from the left; a step that alone is longer than max tokens is cut at its
 * end. In a causal model the first n tokens of a sequence see exactly what they would see alone, so
 * steps whose windows keep the same context and start at the same step share one sequence, whatever
 * window rule asked for them: the window of the last of them. The group that starts at step 1 with
 * the whole prompt is a prefix of the GALP sequence and is read from it.
 */
public final class WindowPlanner {
  private final ScoreDefinition definition;
  private final boolean groupWindows;

  public WindowPlanner(ScoreDefinition definition, Execution execution) {
    this.definition = definition;
    this.groupWindows = execution.groupWindows();
  }

  /**
   * The plan for every step, or for the sample of steps that {@code responseId} draws, stratified
   * by the GALP pass's reach under the difference estimator ({@link StepSample#stratified}).
   */
  public ResponsePlan plan(PreparedResponse response, String responseId) {
    int[] scored =
        definition.computes(Metric.LALP)
            ? StepSample.stratified(
                    responseId == null ? "" : responseId,
                    response.stepCount(),
                    definition.differenceEstimator() ? galpReach(response) : 0,
                    definition.sampleSteps())
                .steps()
            : new int[0];
    return plan(response, scored);
  }

  /**
   * How many steps, from the first, the GALP sequence reaches: each has at least one of its tokens
   * scored there (0 when no response token fits after the prompt, or the prompt is empty and the
   * first token has no context).
   */
  public int galpReach(PreparedResponse response) {
    int prefix = response.prefixIds().length;
    int tokens = response.responseIds().length;
    int max = definition.maxTokens();
    if (tokens == 0 || prefix == 0 || prefix >= max) {
      return 0;
    }
    int fit = Math.min(tokens, max - prefix);
    int[] bounds = response.stepBounds();
    int reached = 0;
    while (reached < response.stepCount() && bounds[reached] < fit) {
      reached++;
    }
    return reached;
  }

  public ResponsePlan plan(PreparedResponse response, int[] scoredSteps) {
    int contextLength =
        definition.includePrompt() ? response.prefixIds().length : response.bosId() >= 0 ? 1 : 0;
    int max = definition.maxTokens();
    List<SequenceView> sequences = new ArrayList<>();
    boolean truncated = false;

    int prefix = response.prefixIds().length;
    boolean control = definition.differenceEstimator() && scoredSteps.length < response.stepCount();
    ResponsePlan.TokenRange galp =
        definition.computes(Metric.GALP) || control ? galp(response, sequences) : null;
    // A GALP sequence run only for the control cuts no reported score.
    truncated |= definition.computes(Metric.GALP) && galpCut(response, galp);

    List<WindowRule> rules = definition.windows();
    Window[][] windows = new Window[rules.size()][scoredSteps.length];
    Map<Long, Window> lastOfGroup = new HashMap<>();
    int[] bounds = response.stepBounds();
    for (int w = 0; w < rules.size(); w++) {
      for (int j = 0; j < scoredSteps.length; j++) {
        Window window = window(rules.get(w), scoredSteps[j], bounds, contextLength, max);
        windows[w][j] = window;
        truncated |= window.truncated;
        lastOfGroup.merge(window.groupKey(), window, (a, b) -> b.step > a.step ? b : a);
      }
    }
    boolean galpHoldsFirstGroup = galp != null && definition.includePrompt() && groupWindows;
    Map<Long, Integer> sequenceOfGroup = new HashMap<>();
    ResponsePlan.TokenRange[][] reads =
        new ResponsePlan.TokenRange[rules.size()][scoredSteps.length];
    for (int w = 0; w < rules.size(); w++) {
      for (int j = 0; j < scoredSteps.length; j++) {
        Window window = windows[w][j];
        int sequence;
        if (galpHoldsFirstGroup && window.contextKept == contextLength && window.firstStep == 0) {
          sequence = galp.sequence();
        } else if (groupWindows) {
          Integer known = sequenceOfGroup.get(window.groupKey());
          if (known == null) {
            known = sequences.size();
            sequences.add(view(lastOfGroup.get(window.groupKey()), bounds, contextLength, prefix));
            sequenceOfGroup.put(window.groupKey(), known);
          }
          sequence = known;
        } else {
          sequence = sequences.size();
          sequences.add(view(window, bounds, contextLength, prefix));
        }
        int start = window.contextKept + bounds[window.step] - bounds[window.firstStep];
        reads[w][j] = new ResponsePlan.TokenRange(sequence, start, start + window.stepTokens);
      }
    }
    boolean controlled = control && galp != null;
    int covered = controlled ? galpReach(response) : 0;
    return new ResponsePlan(
        response, sequences, scoredSteps, reads, galp, truncated, controlled, covered);
  }

  /** The GALP sequence, added first; null when no response token fits after the prompt. */
  private ResponsePlan.TokenRange galp(PreparedResponse response, List<SequenceView> sequences) {
    int prefix = response.prefixIds().length;
    int tokens = response.responseIds().length;
    int max = definition.maxTokens();
    if (tokens == 0 || prefix >= max) {
      return null;
    }
    int fit = Math.min(tokens, max - prefix);
    sequences.add(new SequenceView(true, 0, prefix, 0, fit, prefix));
    return new ResponsePlan.TokenRange(0, prefix, prefix + fit);
  }

  /** Whether GALP lost response tokens to max tokens (all of them when the prompt fills it). */
  private static boolean galpCut(PreparedResponse response, ResponsePlan.TokenRange galp) {
    int tokens = response.responseIds().length;
    return tokens > 0 && (galp == null || galp.end() - galp.start() < tokens);
  }

  private SequenceView view(Window w, int[] bounds, int contextLength, int prefix) {
    boolean wholePrompt = definition.includePrompt() && w.contextKept == contextLength;
    return new SequenceView(
        definition.includePrompt(),
        contextLength - w.contextKept,
        contextLength,
        bounds[w.firstStep],
        bounds[w.step] + w.stepTokens,
        wholePrompt ? prefix : 0);
  }

  private static Window window(WindowRule rule, int k, int[] bounds, int contextLength, int max) {
    int first = k - rule.window(k + 1);
    boolean truncated = false;
    while (first < k && contextLength + bounds[k + 1] - bounds[first] > max) {
      first++;
      truncated = true;
    }
    int stepLength = bounds[k + 1] - bounds[k];
    int kept = contextLength;
    int stepTokens = stepLength;
    if (contextLength + stepLength > max) {
      truncated = true;
      if (stepLength < max) {
        kept = max - stepLength;
      } else {
        kept = 0;
        stepTokens = max;
      }
    }
    return new Window(k, first, kept, stepTokens, truncated);
  }

  /** Step {@code step}'s window: steps firstStep..step, the last contextKept context tokens. */
  private record Window(
      int step, int firstStep, int contextKept, int stepTokens, boolean truncated) {
    /** Windows with the same key nest: each is a prefix of the longest. */
    long groupKey() {
      return ((long) contextKept << 32) | firstStep;
    }
  }
}
