package dev.naturalness.scoring;

import dev.naturalness.data.Messages;
import dev.naturalness.data.Metric;
import dev.naturalness.text.PreparedResponse;
import dev.naturalness.text.Span;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Scores responses: plans each one's sequences (views of its tokens), decides where every sequence
 * goes in which batch, then builds, runs and reads one batch at a time, folding each batch's
 * log-probs into per-step sums right away. Memory is the batch budget plus a few numbers per step,
 * however many steps or windows a response has.
 *
 * <p>A batch the model fails on (an exception, or a log-prob that is NaN or infinite where it is
 * read) is split in two and retried; a single sequence that still fails fails its response alone. A
 * model that breaks the student contract ({@link ModelContractException}) fails the whole call.
 */
public final class ResponseScorer {
  private final ScoreDefinition definition;
  private final TokenLogProbModel model;
  private final WindowPlanner planner;
  private final Packer packer;
  private long forwardPasses;
  private long batchTokens;
  private long usefulTokens;
  private long modelNanos;
  private long planNanos;
  private long packNanos;
  private long foldNanos;
  private LongConsumer afterBatch = tokens -> {};

  public ResponseScorer(ScoreDefinition definition, Execution execution, TokenLogProbModel model) {
    this.definition = definition;
    this.model = model;
    this.planner = new WindowPlanner(definition, execution);
    this.packer = new Packer(execution);
  }

  /**
   * Calls {@code listener} with each forward pass's useful tokens as it completes: a long
   * response's progress is known before the whole response is.
   */
  public ResponseScorer afterEachBatch(LongConsumer listener) {
    this.afterBatch = listener;
    return this;
  }

  /** Scores without response ids (step samples are then drawn from the empty id). */
  public List<ResponseScore> score(List<PreparedResponse> responses) {
    return score(responses, null);
  }

  /**
   * {@code responseIds}: each response's id, which seeds its step sample; may be null without
   * sampling.
   */
  public List<ResponseScore> score(List<PreparedResponse> responses, List<String> responseIds) {
    long started = System.nanoTime();
    List<ResponsePlan> plans = new ArrayList<>(responses.size());
    for (int r = 0; r < responses.size(); r++) {
      plans.add(planner.plan(responses.get(r), responseIds == null ? "" : responseIds.get(r)));
    }
    Work work = new Work(plans, definition.windows().size());
    planNanos += System.nanoTime() - started;
    return score(work);
  }

  /** Forward passes run so far, batch positions they covered (with padding) and useful tokens. */
  public long forwardPasses() {
    return forwardPasses;
  }

  public long batchTokens() {
    return batchTokens;
  }

  public long usefulTokens() {
    return usefulTokens;
  }

  /** Seconds spent in the model's forward passes and log-prob reads so far. */
  public double modelSeconds() {
    return modelNanos / 1e9;
  }

  /**
   * Seconds of the host's own work so far, by part: planning each response's sequences, packing
   * them into batches (layout and the batch arrays), and folding log-probs into step sums.
   */
  public Map<String, Double> hostSeconds() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("plan", planNanos / 1e9);
    out.put("pack", packNanos / 1e9);
    out.put("fold", foldNanos / 1e9);
    return out;
  }

  private List<ResponseScore> score(Work work) {
    List<Integer> all = new ArrayList<>(work.sequences.size());
    for (int s = 0; s < work.sequences.size(); s++) {
      all.add(s);
    }
    run(work, all);
    List<ResponseScore> scores = new ArrayList<>(work.plans.size());
    for (int r = 0; r < work.plans.size(); r++) {
      scores.add(work.sums[r].assemble(work.plans.get(r), definition));
    }
    return scores;
  }

  /** Runs the given sequences (indices into the work's sequences), batch by batch. */
  private void run(Work work, List<Integer> subset) {
    List<Packer.Sequence> specs = new ArrayList<>(subset.size());
    for (int s : subset) {
      specs.add(work.specs.get(s));
    }
    Packer.Tokens tokens =
        (local, from, to, dst, at) -> work.copy(subset.get(local), from, to, dst, at);
    long packing = System.nanoTime();
    List<Packer.Layout> layouts = packer.layout(specs);
    packNanos += System.nanoTime() - packing;
    for (Packer.Layout layout : layouts) {
      packing = System.nanoTime();
      PackedBatch batch = Packer.build(layout, tokens);
      packNanos += System.nanoTime() - packing;
      String failure = null;
      float[] out = null;
      long started = System.nanoTime();
      try {
        out = model.nextTokenLogProbs(batch);
        modelNanos += System.nanoTime() - started;
        forwardPasses++;
        batchTokens += (long) batch.rows() * batch.length();
        usefulTokens += batch.usefulTokens();
        afterBatch.accept(batch.usefulTokens());
        failure = firstNonFinite(batch, out);
      } catch (ModelContractException e) {
        throw e;
      } catch (RuntimeException e) {
        failure =
            "model failed: "
                + e.getClass().getSimpleName()
                + ": "
                + Messages.firstLine(e.getMessage());
      }
      if (failure == null) {
        long folding = System.nanoTime();
        work.fold(batch, out, subset);
        foldNanos += System.nanoTime() - folding;
      } else if (batch.placements().length == 1) {
        work.fail(subset.get(batch.placements()[0].sequence()), failure);
      } else {
        List<Integer> inBatch = new ArrayList<>();
        for (int local : layout.sequences()) {
          inBatch.add(subset.get(local));
        }
        int half = inBatch.size() / 2;
        run(work, inBatch.subList(0, half));
        run(work, inBatch.subList(half, inBatch.size()));
      }
    }
  }

  private static String firstNonFinite(PackedBatch batch, float[] out) {
    for (PackedBatch.Placement p : batch.placements()) {
      int base = p.row() * batch.length() + p.offset();
      for (int t = 0; t < p.size() - 1; t++) {
        if (!Float.isFinite(out[base + t])) {
          return "model returned a non-finite log-prob (" + out[base + t] + ")";
        }
      }
    }
    return null;
  }

  /**
   * A read of sequence positions [start, end) into a response's sums: window w's j-th step, or GALP
   * (w = -1).
   */
  private record Read(int response, int window, int step, int start, int end) {}

  /** Every plan's sequences in one list, what reads each one, and the sums they feed. */
  private static final class Work {
    final List<ResponsePlan> plans;
    final List<int[]> sequences = new ArrayList<>(); // {plan, sequence within the plan}
    final List<Packer.Sequence> specs = new ArrayList<>();
    final List<List<Read>> reads = new ArrayList<>();
    final Sums[] sums;

    Work(List<ResponsePlan> plans, int windows) {
      this.plans = plans;
      this.sums = new Sums[plans.size()];
      for (int r = 0; r < plans.size(); r++) {
        ResponsePlan plan = plans.get(r);
        sums[r] = new Sums(windows, plan);
        int first = sequences.size();
        for (int s = 0; s < plan.sequences().size(); s++) {
          SequenceView v = plan.sequences().get(s);
          sequences.add(new int[] {r, s});
          specs.add(
              new Packer.Sequence(v.length(), v.sharedPrefix() > 0 ? r : -1, v.sharedPrefix()));
          reads.add(new ArrayList<>(2));
        }
        if (plan.galp() != null) {
          ResponsePlan.TokenRange g = plan.galp();
          reads.get(first + g.sequence()).add(new Read(r, -1, 0, g.start(), g.end()));
        }
        for (int w = 0; w < plan.reads().length; w++) {
          for (int j = 0; j < plan.reads()[w].length; j++) {
            ResponsePlan.TokenRange t = plan.reads()[w][j];
            reads.get(first + t.sequence()).add(new Read(r, w, j, t.start(), t.end()));
          }
        }
      }
    }

    void copy(int sequence, int from, int to, long[] dst, int at) {
      int[] ref = sequences.get(sequence);
      ResponsePlan plan = plans.get(ref[0]);
      plan.sequences().get(ref[1]).copyTo(plan.response(), from, to, dst, at);
    }

    void fail(int sequence, String failure) {
      Sums s = sums[sequences.get(sequence)[0]];
      if (s.error == null) {
        s.error = failure;
      }
    }

    /** Adds a batch's log-probs to the sums of the reads of every sequence placed in it. */
    void fold(PackedBatch batch, float[] out, List<Integer> subset) {
      // A shared prompt block ran once; the first placement that sees it is charged for it.
      Set<Long> sharedCharged = new HashSet<>();
      for (PackedBatch.Placement p : batch.placements()) {
        int sequence = subset.get(p.sequence());
        int base = p.row() * batch.length() + p.offset();
        boolean chargeShared =
            p.skip() > 0 && sharedCharged.add((long) p.row() << 32 | batch.sharedBlocks()[base]);
        sums[sequences.get(sequence)[0]].modelTokens += p.size() + (chargeShared ? p.skip() : 0);
        for (Read read : reads.get(sequence)) {
          // Position t (t > skip) of the sequence is predicted at cell base + t - skip - 1; the
          // first token has no context, and a shared prompt's tokens are never read.
          for (int t = Math.max(read.start(), 1); t < read.end(); t++) {
            sums[read.response()].add(read, t, out[base + t - p.skip() - 1]);
          }
        }
      }
    }
  }

  /** The running sums of one response. */
  private static final class Sums {
    final double[][] sum;
    final int[][] count;
    final double[][] sumWithoutFirst;
    final int[][] countWithoutFirst;
    double galpSum;
    int galpCount;
    // Per step of the response, its tokens' log-probs in the GALP sequence (the control).
    final int[] stepBounds;
    final double[] galpStepSum;
    final int[] galpStepCount;
    long modelTokens;
    String error;

    Sums(int windows, ResponsePlan plan) {
      int steps = plan.scoredSteps().length;
      sum = new double[windows][steps];
      count = new int[windows][steps];
      sumWithoutFirst = new double[windows][steps];
      countWithoutFirst = new int[windows][steps];
      int all = plan.response().stepCount();
      stepBounds = plan.control() ? plan.response().stepBounds() : null;
      galpStepSum = plan.control() ? new double[all] : null;
      galpStepCount = plan.control() ? new int[all] : null;
    }

    void add(Read read, int t, float logProb) {
      if (read.window() < 0) {
        galpSum += logProb;
        galpCount++;
        if (stepBounds != null) {
          int k = stepOf(stepBounds, t - read.start());
          galpStepSum[k] += logProb;
          galpStepCount[k]++;
        }
        return;
      }
      sum[read.window()][read.step()] += logProb;
      count[read.window()][read.step()]++;
      if (t > Math.max(read.start(), 1)) {
        sumWithoutFirst[read.window()][read.step()] += logProb;
        countWithoutFirst[read.window()][read.step()]++;
      }
    }

    /** The step whose token range [bounds[k], bounds[k+1]) holds response token {@code token}. */
    static int stepOf(int[] bounds, int token) {
      int at = Arrays.binarySearch(bounds, token);
      int k = at >= 0 ? at : -at - 2;
      // Equal bounds (a step without tokens) share a position: take the last step starting there.
      while (k + 1 < bounds.length - 1 && bounds[k + 1] == token) {
        k++;
      }
      return k;
    }

    ResponseScore assemble(ResponsePlan plan, ScoreDefinition definition) {
      PreparedResponse r = plan.response();
      if (error != null) {
        return new ResponseScore(
            null,
            List.of(),
            plan.responseTokens(),
            r.stepCount(),
            plan.truncated(),
            plan.plannedTokens(),
            error);
      }
      List<ResponseScore.WindowScore> windows = new ArrayList<>();
      for (int w = 0; w < definition.windows().size() && definition.computes(Metric.LALP); w++) {
        windows.add(window(w, plan, definition));
      }
      return new ResponseScore(
          definition.computes(Metric.GALP) && galpCount > 0 ? galpSum / galpCount : null,
          windows,
          plan.responseTokens(),
          r.stepCount(),
          plan.truncated(),
          modelTokens,
          null);
    }

    /** Window w's step means, their mean, and the variants from the same sums. */
    private ResponseScore.WindowScore window(int w, ResponsePlan plan, ScoreDefinition definition) {
      PreparedResponse r = plan.response();
      int steps = plan.scoredSteps().length;
      float[] stepScores = new float[steps];
      Span[] spans = new Span[steps];
      double[] values = new double[steps];
      int[] indices = new int[steps];
      int scored = 0;
      double total = 0;
      double dropFirst = 0;
      int dropFirstSteps = 0;
      double kept = 0;
      int keptSteps = 0;
      int repeated = 0;
      boolean[] repeats = r.repeated() == null ? null : r.repeated()[w];
      for (int j = 0; j < steps; j++) {
        if (count[w][j] == 0) {
          continue;
        }
        double mean = sum[w][j] / count[w][j];
        stepScores[scored] = (float) mean;
        spans[scored] = r.steps().spans()[plan.scoredSteps()[j]];
        values[scored] = mean;
        indices[scored] = plan.scoredSteps()[j];
        scored++;
        total += mean;
        if (countWithoutFirst[w][j] > 0) {
          dropFirst += sumWithoutFirst[w][j] / countWithoutFirst[w][j];
          dropFirstSteps++;
        }
        if (repeats != null && repeats[plan.scoredSteps()[j]]) {
          repeated++;
        } else {
          kept += mean;
          keptSteps++;
        }
      }
      Double lalp = scored > 0 ? total / scored : null;
      StratifiedEstimate.Estimate sample =
          definition.sampleSteps() > 0 && scored > 0 && !plan.exact()
              ? estimate(plan, indices, values, scored)
              : null;
      Double standardError =
          sample != null
              ? StratifiedEstimate.standardError(sample.strata(), StratifiedEstimate.Prior.NONE)
              : definition.sampleSteps() > 0 && scored > 0 ? 0.0 : null;
      return new ResponseScore.WindowScore(
          sample != null ? Double.valueOf(sample.lalp()) : lalp,
          dropFirstSteps > 0 ? dropFirst / dropFirstSteps : null,
          standardError,
          sample == null ? null : sample.strata(),
          Arrays.copyOf(stepScores, scored),
          Arrays.copyOf(spans, scored),
          repeated,
          repeats != null && keptSteps > 0 ? kept / keptSteps : null);
    }

    /** A sampled response's estimate from its scored steps, by stratum. */
    private StratifiedEstimate.Estimate estimate(
        ResponsePlan plan, int[] indices, double[] values, int scored) {
      return StratifiedEstimate.estimate(
          plan.response().stepCount(),
          plan.control() ? plan.coveredSteps() : 0,
          indices,
          values,
          scored,
          plan.control() ? control() : null);
    }

    /**
     * Each step's mean log-prob in the GALP sequence (the control, read for the steps it reaches);
     * a step it did not see takes the mean of those it saw.
     */
    private double[] control() {
      double[] g = new double[galpStepSum.length];
      double seen = 0;
      int seenSteps = 0;
      for (int k = 0; k < g.length; k++) {
        if (galpStepCount[k] > 0) {
          g[k] = galpStepSum[k] / galpStepCount[k];
          seen += g[k];
          seenSteps++;
        }
      }
      for (int k = 0; k < g.length; k++) {
        if (galpStepCount[k] == 0) {
          g[k] = seenSteps == 0 ? 0 : seen / seenSteps;
        }
      }
      return g;
    }
  }
}
