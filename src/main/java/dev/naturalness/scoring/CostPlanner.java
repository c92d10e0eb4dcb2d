package dev.naturalness.scoring;

import dev.naturalness.data.Metric;
import dev.naturalness.text.PreparedResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * What scoring a response will cost, without a model: the tokens the model will run for it, as the
 * scorer plans and packs them (a shared prompt once per packed unit), for the definition as given,
 * for each metric alone, and for every step (what step sampling saves).
 */
public final class CostPlanner {
  private final ScoreDefinition definition;
  private final Execution execution;
  private final Packer packer;

  /**
   * @param modelTokens what the model runs for the definition as given
   * @param galpTokens for GALP alone (0 when GALP is off)
   * @param lalpTokens for LALP alone (0 when LALP is off)
   * @param exactTokens for the definition scoring every step (equals modelTokens without sampling)
   * @param controlTokens of modelTokens, those of a GALP pass run only as the difference
   *     estimator's control (GALP not a metric, the response sampled)
   * @param coveredSteps a sampled response's steps the GALP pass reaches (the difference
   *     estimator's covered stratum; 0 otherwise)
   */
  public record Cost(
      int responseTokens,
      int steps,
      int stepsScored,
      long modelTokens,
      long galpTokens,
      long lalpTokens,
      long exactTokens,
      long controlTokens,
      int coveredSteps) {}

  public CostPlanner(ScoreDefinition definition, Execution execution) {
    this.definition = definition;
    this.execution = execution;
    this.packer = new Packer(execution);
  }

  public Cost cost(PreparedResponse response, String responseId) {
    ResponsePlan plan = new WindowPlanner(definition, execution).plan(response, responseId);
    long model = tokens(plan);
    long galp =
        definition.computes(Metric.GALP)
            ? tokens(definition.withMetrics(EnumSet.of(Metric.GALP)), response, responseId)
            : 0;
    long lalp =
        definition.computes(Metric.LALP)
            ? tokens(definition.withMetrics(EnumSet.of(Metric.LALP)), response, responseId)
            : 0;
    long exact =
        definition.sampleSteps() > 0
            ? tokens(definition.withSampleSteps(0), response, responseId)
            : model;
    long control =
        plan.control() && !definition.computes(Metric.GALP)
            ? model - tokens(definition.withEstimator(SampleEstimator.PLAIN), response, responseId)
            : 0;
    return new Cost(
        response.responseIds().length,
        response.stepCount(),
        plan.scoredSteps().length,
        model,
        galp,
        lalp,
        exact,
        control,
        plan.control() ? plan.coveredSteps() : 0);
  }

  private long tokens(ScoreDefinition d, PreparedResponse response, String responseId) {
    return tokens(new WindowPlanner(d, execution).plan(response, responseId));
  }

  private long tokens(ResponsePlan plan) {
    List<Packer.Sequence> specs = new ArrayList<>(plan.sequences().size());
    for (SequenceView v : plan.sequences()) {
      specs.add(new Packer.Sequence(v.length(), v.sharedPrefix() > 0 ? 0 : -1, v.sharedPrefix()));
    }
    return packer.modelTokens(specs);
  }
}
