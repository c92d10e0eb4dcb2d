package dev.naturalness.spark;

import dev.naturalness.data.CorpusRow;
import dev.naturalness.report.CostPlan;
import dev.naturalness.scoring.CostPlanner;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The plan pass: every row to score, tokenized and planned with a student's tokenizer (never its
 * model), added up per input partition. The totals say what the run will cost before it pays; the
 * per-partition sums are what partitioning balances.
 */
public final class PlanStage {
  /** Bins per doubling of the per-response cost histogram. */
  static final int BINS_PER_DOUBLING = 8;

  static final int BINS = 64 * BINS_PER_DOUBLING;
  static final int MOST_EXPENSIVE = 10;

  private PlanStage() {}

  /**
   * The plan's totals, and each input partition's weight (its rows' model tokens, at least 1 a
   * row).
   */
  public record Planned(Totals totals, long[] partitionWeights) {}

  public static Planned plan(Dataset<Row> rows, ScoringTask task) {
    RowCost cost = new RowCost(task, rows.schema());
    List<Totals> perPartition =
        rows.javaRDD()
            .mapPartitionsWithIndex(
                (Integer p, Iterator<Row> it) -> {
                  Totals t = new Totals(p);
                  while (it.hasNext()) {
                    Row r = it.next();
                    t.add(cost.rows().read(r), cost.cost(r));
                  }
                  return List.of(t).iterator();
                },
                true)
            .collect();
    Totals all = new Totals(-1);
    long[] weights = new long[perPartition.size()];
    for (Totals t : perPartition) {
      weights[t.partition] = t.weight;
      all.merge(t);
    }
    return new Planned(all, weights);
  }

  /** Sums over rows, mergeable across partitions. */
  public static final class Totals implements Serializable {
    private static final long serialVersionUID = 1L;
    final int partition;
    long rows;
    long scorable;
    long responseTokens;
    long modelTokens;
    long galpTokens;
    long lalpTokens;
    long exactTokens;
    long controlTokens;
    long sampled;
    long sampledSteps;
    long coveredSteps;
    long weight;
    long maxCost;
    final long[] histogram = new long[BINS];
    final List<CostPlan.Expensive> top = new ArrayList<>();

    Totals(int partition) {
      this.partition = partition;
    }

    void add(CorpusRow row, CostPlanner.Cost c) {
      rows++;
      weight += c == null ? 1 : Math.max(1, c.modelTokens());
      if (c == null) {
        return;
      }
      scorable++;
      responseTokens += c.responseTokens();
      modelTokens += c.modelTokens();
      galpTokens += c.galpTokens();
      lalpTokens += c.lalpTokens();
      exactTokens += c.exactTokens();
      controlTokens += c.controlTokens();
      if (c.stepsScored() < c.steps()) {
        sampled++;
        sampledSteps += c.steps();
        coveredSteps += c.coveredSteps();
      }
      maxCost = Math.max(maxCost, c.modelTokens());
      histogram[bin(c.modelTokens())]++;
      keepTop(
          new CostPlan.Expensive(
              row.responseId(),
              row.promptId(),
              row.teacher(),
              c.steps(),
              c.responseTokens(),
              c.modelTokens()));
    }

    private void keepTop(CostPlan.Expensive e) {
      top.add(e);
      if (top.size() > MOST_EXPENSIVE) {
        top.sort(ORDER);
        top.remove(top.size() - 1);
      }
    }

    void merge(Totals o) {
      rows += o.rows;
      scorable += o.scorable;
      responseTokens += o.responseTokens;
      modelTokens += o.modelTokens;
      galpTokens += o.galpTokens;
      lalpTokens += o.lalpTokens;
      exactTokens += o.exactTokens;
      controlTokens += o.controlTokens;
      sampled += o.sampled;
      sampledSteps += o.sampledSteps;
      coveredSteps += o.coveredSteps;
      weight += o.weight;
      maxCost = Math.max(maxCost, o.maxCost);
      for (int i = 0; i < BINS; i++) {
        histogram[i] += o.histogram[i];
      }
      o.top.forEach(this::keepTop);
    }

    public long modelTokens() {
      return modelTokens;
    }

    public long rows() {
      return rows;
    }

    /**
     * The plan as reported, with the rate an estimate assumes (null: none known) and where it comes
     * from.
     */
    public CostPlan report(String student, Double tokensPerSecond, String rateSource) {
      List<CostPlan.Expensive> sorted = new ArrayList<>(top);
      sorted.sort(ORDER);
      Map<String, Long> percentiles = new LinkedHashMap<>();
      percentiles.put("p50", percentile(0.5));
      percentiles.put("p90", percentile(0.9));
      percentiles.put("p99", percentile(0.99));
      percentiles.put("max", maxCost);
      return new CostPlan(
          student,
          rows,
          scorable,
          responseTokens,
          modelTokens,
          galpTokens,
          lalpTokens,
          galpTokens > 0 && lalpTokens > 0 ? (double) lalpTokens / galpTokens : null,
          exactTokens,
          controlTokens,
          sampled,
          sampledSteps == 0 ? null : (double) coveredSteps / sampledSteps,
          percentiles,
          sorted,
          tokensPerSecond,
          rateSource,
          tokensPerSecond == null ? null : modelTokens / tokensPerSecond / 3600.0,
          List.of(),
          null);
    }

    /** The upper bound of the bin that holds the q-th quantile of per-response cost. */
    private long percentile(double q) {
      long target = (long) Math.ceil(q * scorable);
      long seen = 0;
      for (int i = 0; i < BINS; i++) {
        seen += histogram[i];
        if (seen >= target && seen > 0) {
          return Math.min(
              maxCost, (long) Math.floor(Math.pow(2, (i + 1) / (double) BINS_PER_DOUBLING)));
        }
      }
      return maxCost;
    }
  }

  private static final Comparator<CostPlan.Expensive> ORDER =
      Comparator.comparingLong((CostPlan.Expensive e) -> -e.modelTokens())
          .thenComparing(CostPlan.Expensive::responseId);

  static int bin(long cost) {
    if (cost <= 1) {
      return 0;
    }
    return (int) Math.min(BINS - 1, Math.floor(Math.log(cost) / Math.log(2) * BINS_PER_DOUBLING));
  }
}
