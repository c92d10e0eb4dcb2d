package dev.naturalness.scoring;

import dev.naturalness.text.PreparedResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Scores responses: plans each one's sequences, packs all of them into batches, runs the model and
 * reads the step, LALP and GALP means back from the per-token log-probs.
 *
 * <p>A batch the model fails on (an exception, or a log-prob that is NaN or infinite where it is
 * read) is split in two and retried; a single sequence that still fails fails its response alone.
 */
public final class ResponseScorer {
  private final ScoringOptions options;
  private final TokenLogProbModel model;
  private final WindowPlanner planner;
  private final Packer packer;
  private long forwardPasses;
  private long batchTokens;
  private long usefulTokens;
  private long modelNanos;

  public ResponseScorer(ScoringOptions options, TokenLogProbModel model) {
    this.options = options;
    this.model = model;
    this.planner = new WindowPlanner(options);
    this.packer = new Packer(options);
  }

  public List<ResponseScore> score(List<PreparedResponse> responses) {
    List<ResponsePlan> plans = new ArrayList<>(responses.size());
    for (PreparedResponse response : responses) {
      plans.add(planner.plan(response));
    }
    PlannedSequences planned = PlannedSequences.of(plans);
    List<long[]> sequences = planned.sequences();
    int[] firstSequence = planned.firstSequence();
    float[][] logProbs = new float[sequences.size()][];
    String[] failures = new String[sequences.size()];
    long[] ranTokens = new long[sequences.size()];
    List<Integer> all = new ArrayList<>(sequences.size());
    for (int s = 0; s < sequences.size(); s++) {
      all.add(s);
    }
    run(planned, all, logProbs, failures, ranTokens);

    List<ResponseScore> scores = new ArrayList<>(responses.size());
    for (int r = 0; r < responses.size(); r++) {
      scores.add(assemble(plans.get(r), firstSequence[r], logProbs, failures, ranTokens));
    }
    return scores;
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

  private void run(
      PlannedSequences planned,
      List<Integer> subset,
      float[][] logProbs,
      String[] failures,
      long[] ranTokens) {
    List<long[]> chosen = new ArrayList<>(subset.size());
    int[] group = new int[subset.size()];
    int[] prefix = new int[subset.size()];
    for (int i = 0; i < subset.size(); i++) {
      chosen.add(planned.sequences().get(subset.get(i)));
      group[i] = planned.sharedGroup()[subset.get(i)];
      prefix[i] = planned.sharedPrefix()[subset.get(i)];
    }
    for (PackedBatch batch : packer.pack(chosen, group, prefix)) {
      float[] out;
      String failure = null;
      long started = System.nanoTime();
      try {
        out = model.nextTokenLogProbs(batch);
        modelNanos += System.nanoTime() - started;
        forwardPasses++;
        batchTokens += (long) batch.rows() * batch.length();
        usefulTokens += batch.usefulTokens();
        failure = firstNonFinite(batch, out);
      } catch (RuntimeException e) {
        out = null;
        failure =
            "model failed: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
      }
      if (failure == null) {
        // A shared prompt block ran once; the first placement that sees it is charged for it.
        Set<Long> sharedCharged = new HashSet<>();
        for (PackedBatch.Placement p : batch.placements()) {
          int base = p.row() * batch.length() + p.offset();
          boolean chargeShared =
              p.skip() > 0 && sharedCharged.add((long) p.row() << 32 | batch.sharedBlocks()[base]);
          ranTokens[subset.get(p.sequence())] = p.size() + (chargeShared ? p.skip() : 0);
          float[] lp = new float[p.skip() + p.size()];
          // The first token has no context; a shared prompt's tokens are never scored.
          Arrays.fill(lp, 0, p.skip() + 1, Float.NaN);
          System.arraycopy(out, base, lp, p.skip() + 1, p.size() - 1);
          logProbs[subset.get(p.sequence())] = lp;
        }
      } else if (batch.placements().length == 1) {
        failures[subset.get(batch.placements()[0].sequence())] = failure;
      } else {
        List<Integer> inBatch = new ArrayList<>();
        for (PackedBatch.Placement p : batch.placements()) {
          inBatch.add(subset.get(p.sequence()));
        }
        int half = inBatch.size() / 2;
        run(planned, inBatch.subList(0, half), logProbs, failures, ranTokens);
        run(planned, inBatch.subList(half, inBatch.size()), logProbs, failures, ranTokens);
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

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private ResponseScore assemble(
      ResponsePlan plan,
      int firstSequence,
      float[][] logProbs,
      String[] failures,
      long[] ranTokens) {
    for (int s = 0; s < plan.sequences().size(); s++) {
      if (failures[firstSequence + s] != null) {
        return new ResponseScore(
            null,
            null,
            new float[0],
            plan.responseTokens(),
            0,
            plan.truncated(),
            plan.plannedTokens(),
            failures[firstSequence + s]);
      }
    }
    Double galp = null;
    if (plan.galp() != null) {
      galp = mean(logProbs[firstSequence + plan.galp().sequence()], plan.galp());
    }
    float[] stepScores = new float[plan.steps().size()];
    int scored = 0;
    double sum = 0;
    for (ResponsePlan.TokenRange step : plan.steps()) {
      Double m = mean(logProbs[firstSequence + step.sequence()], step);
      if (m != null) {
        stepScores[scored++] = (float) (double) m;
        sum += m;
      }
    }
    Double lalp = options.lalp() && scored > 0 ? sum / scored : null;
    long modelTokens = 0;
    for (int s = 0; s < plan.sequences().size(); s++) {
      modelTokens += ranTokens[firstSequence + s];
    }
    return new ResponseScore(
        galp,
        lalp,
        Arrays.copyOf(stepScores, scored),
        plan.responseTokens(),
        scored,
        plan.truncated(),
        modelTokens,
        null);
  }

  /** Mean log-prob over the range's tokens that have context (position >= 1); null if none. */
  private static Double mean(float[] lp, ResponsePlan.TokenRange range) {
    double sum = 0;
    int n = 0;
    for (int t = Math.max(range.start(), 1); t < range.end(); t++) {
      sum += lp[t];
      n++;
    }
    return n == 0 ? null : sum / n;
  }
}
