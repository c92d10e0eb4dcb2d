package dev.naturalness.scoring;

import dev.naturalness.text.PreparedResponse;
import java.util.ArrayList;
import java.util.Arrays;
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
 * steps whose windows keep the same context and start at the same step share one sequence: the
 * window of the last of them. The group that starts at step 1 with the whole prompt is a prefix of
 * the GALP sequence and is read from it.
 */
public final class WindowPlanner {
  private final ScoringOptions options;

  public WindowPlanner(ScoringOptions options) {
    this.options = options;
  }

  public ResponsePlan plan(PreparedResponse response) {
    long[] prefix = response.prefixIds();
    long[] tokens = response.responseIds();
    int[] bounds = response.stepBounds();
    int max = options.maxTokens();
    List<long[]> sequences = new ArrayList<>();
    List<Integer> shared = new ArrayList<>();
    boolean truncated = false;

    ResponsePlan.TokenRange galp = null;
    int galpSequence = -1;
    if (options.galp() && tokens.length > 0 && prefix.length < max) {
      int fit = Math.min(tokens.length, max - prefix.length);
      truncated |= fit < tokens.length;
      galpSequence = sequences.size();
      sequences.add(concat(prefix, 0, prefix.length, tokens, 0, fit));
      shared.add(prefix.length);
      galp = new ResponsePlan.TokenRange(galpSequence, prefix.length, prefix.length + fit);
    } else if (options.galp() && tokens.length > 0) {
      truncated = true; // the prompt alone fills the model: no response token fits
    }

    List<ResponsePlan.TokenRange> steps = new ArrayList<>();
    if (options.lalp()) {
      long[] context =
          options.includePrompt()
              ? prefix
              : response.bosId() >= 0 ? new long[] {response.bosId()} : new long[0];
      int stepCount = response.steps();
      Window[] windows = new Window[stepCount];
      for (int k = 0; k < stepCount; k++) {
        windows[k] = window(k, bounds, context.length, max);
        truncated |= windows[k].truncated;
      }
      // The last step of each group decides the group's sequence.
      Map<Long, Integer> lastOfGroup = new HashMap<>();
      for (int k = 0; k < stepCount; k++) {
        lastOfGroup.put(windows[k].groupKey(), k);
      }
      Map<Long, Integer> sequenceOfGroup = new HashMap<>();
      boolean galpHoldsFirstGroup =
          galpSequence >= 0 && options.includePrompt() && options.groupWindows();
      for (int k = 0; k < stepCount; k++) {
        Window w = windows[k];
        int sequence;
        int base;
        if (galpHoldsFirstGroup && w.contextKept == context.length && w.firstStep == 0) {
          sequence = galpSequence;
        } else if (options.groupWindows()) {
          Integer known = sequenceOfGroup.get(w.groupKey());
          if (known == null) {
            Window last = windows[lastOfGroup.get(w.groupKey())];
            known = sequences.size();
            sequences.add(windowSequence(context, tokens, bounds, last));
            shared.add(sharedPrefix(last, context, prefix));
            sequenceOfGroup.put(w.groupKey(), known);
          }
          sequence = known;
        } else {
          sequence = sequences.size();
          sequences.add(windowSequence(context, tokens, bounds, w));
          shared.add(sharedPrefix(w, context, prefix));
        }
        base = w.contextKept + bounds[k] - bounds[w.firstStep];
        steps.add(new ResponsePlan.TokenRange(sequence, base, base + w.stepTokens));
      }
    }
    return new ResponsePlan(
        sequences,
        shared.stream().mapToInt(Integer::intValue).toArray(),
        steps,
        galp,
        tokens.length,
        truncated);
  }

  /** The whole prompt when the window keeps all of it (with the prompt in windows), else 0. */
  private int sharedPrefix(Window w, long[] context, long[] prefix) {
    return options.includePrompt() && w.contextKept == context.length ? prefix.length : 0;
  }

  private Window window(int k, int[] bounds, int contextLength, int max) {
    int first = k - options.window().window(k + 1);
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

  private static long[] windowSequence(long[] context, long[] tokens, int[] bounds, Window w) {
    return concat(
        context,
        context.length - w.contextKept,
        context.length,
        tokens,
        bounds[w.firstStep],
        bounds[w.step] + w.stepTokens);
  }

  private static long[] concat(long[] a, int aFrom, int aTo, long[] b, int bFrom, int bTo) {
    long[] out = Arrays.copyOf(Arrays.copyOfRange(a, aFrom, aTo), (aTo - aFrom) + (bTo - bFrom));
    System.arraycopy(b, bFrom, out, aTo - aFrom, bTo - bFrom);
    return out;
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
