package dev.naturalness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.naturalness.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a plan says, for people: the rate its estimate of device hours assumes
 * (plan.tokens-per-second, or what a previous run's summary.json measured for the same student),
 * its log line, what a plan-only run prints, and plan.json.
 */
public final class CostPlans {
  private static final Logger LOG = LoggerFactory.getLogger(CostPlans.class);
  public static final String PLAN = "plan.json";

  private CostPlans() {}

  /** plan.json: every student's plan and the stages' times. */
  public static String json(List<CostPlan> plans, Map<String, Double> stageSeconds) {
    try {
      return new ObjectMapper()
              .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(Map.of("plan", plans, "stage_seconds", stageSeconds))
          + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The plan with the rate its estimate assumes: plan.tokens-per-second when set, else the tokens/s
   * that plan.previous-summary (or output.path's summary.json) measured for the same student.
   */
  public static CostPlan withRate(
      CostPlan plan, Settings.Job settings, String modelSha256, Configuration hadoop) {
    Double rate = null;
    String source = null;
    if (settings.plan().tokensPerSecond() > 0) {
      rate = settings.plan().tokensPerSecond();
      source = "plan.tokens-per-second";
    } else {
      String previous =
          settings.plan().previousSummary().isEmpty()
              ? settings.output().path() + "/summary.json"
              : settings.plan().previousSummary();
      Double measured = measuredRate(previous, modelSha256, hadoop);
      if (measured != null) {
        rate = measured;
        source = "measured by " + previous;
      }
    }
    return plan.withRate(rate, source);
  }

  /** A summary.json's tokens/s when it ran the same model, else null. */
  private static Double measuredRate(String summary, String modelSha256, Configuration hadoop) {
    try {
      Path path = new Path(summary);
      FileSystem fs = path.getFileSystem(hadoop);
      if (!fs.exists(path)) {
        return null;
      }
      JsonNode node;
      try (InputStream in = fs.open(path)) {
        node = new ObjectMapper().readTree(in);
      }
      boolean same = false;
      for (JsonNode s : node.path("students")) {
        same |= modelSha256.equals(s.path("model_sha256").asText());
      }
      same |= modelSha256.equals(node.path("student").path("model_sha256").asText());
      double rate = node.path("tokens_per_second").asDouble(0);
      return same && rate > 0 ? rate : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  public static void log(CostPlan p) {
    LOG.info(
        String.format(
            Locale.ROOT,
            "plan for student %s: %,d rows (%,d reach the model), %,d response tokens; model tokens "
                + "%,d (GALP alone %,d, LALP alone %,d, LALP/GALP %s%s); per response p50 %,d, p90"
                + " %,d, max %,d%s",
            p.student(),
            p.rows(),
            p.scorable(),
            p.responseTokens(),
            p.modelTokens(),
            p.galpTokens(),
            p.lalpTokens(),
            p.lalpToGalp() == null ? "-" : String.format(Locale.ROOT, "%.2fx", p.lalpToGalp()),
            p.controlTokens() > 0
                ? String.format(
                    Locale.ROOT,
                    "; %,d for the difference estimator's GALP passes",
                    p.controlTokens())
                : "",
            p.costPercentiles().get("p50"),
            p.costPercentiles().get("p90"),
            p.costPercentiles().get("max"),
            p.deviceHours() == null
                ? "; no rate known for an " + "estimate of hours (set plan.tokens-per-second)"
                : String.format(
                    Locale.ROOT,
                    "; %.2f device hours at %,.0f " + "tokens/s (%s)",
                    p.deviceHours(),
                    p.tokensPerSecond(),
                    p.rateSource())));
  }

  /** The expected sampling error per teacher, as the plan-only output prints it (empty: none). */
  public static String sampling(CostPlan p) {
    StringBuilder out = new StringBuilder();
    formatSampling(p, out);
    return out.toString();
  }

  /** What a plan-only run prints. */
  public static String format(List<CostPlan> plans) {
    StringBuilder out = new StringBuilder();
    for (CostPlan p : plans) {
      formatTotals(p, out);
      formatSampling(p, out);
      out.append(String.format(Locale.ROOT, "%n  most expensive:%n"));
      for (CostPlan.Expensive e : p.mostExpensive()) {
        out.append(
            String.format(
                Locale.ROOT,
                "    %,12d tokens  %5d steps  %,9d response tokens  %s  %s  %s%n",
                e.modelTokens(),
                e.steps(),
                e.responseTokens(),
                e.teacher(),
                e.promptId(),
                e.responseId()));
      }
      out.append(
          p.deviceHours() == null
              ? String.format(
                  Locale.ROOT,
                  "  device hours: unknown (set plan.tokens-per-second, or "
                      + "run once and plan again in the same output.path)%n")
              : String.format(
                  Locale.ROOT,
                  "  device hours: %.2f at %,.0f model tokens/s (%s)%n",
                  p.deviceHours(),
                  p.tokensPerSecond(),
                  p.rateSource()));
    }
    return out.toString();
  }

  /** The sampling error each teacher's mean is expected to carry, or why it is not known. */
  private static void formatSampling(CostPlan p, StringBuilder out) {
    if (p.samplingSource() == null) {
      return;
    }
    if (p.expectedSamplingError().isEmpty()) {
      out.append(
          String.format(
              Locale.ROOT,
              "  sampling error per teacher: unknown (%s; run once with sampled steps and plan"
                  + " again)%n",
              p.samplingSource()));
      return;
    }
    SamplingError first = p.expectedSamplingError().get(0);
    out.append(
        String.format(
            Locale.ROOT,
            "  expected sampling error of each teacher's mean LALP at m = %d (%s estimator; %s):%n",
            first.sampleSteps(),
            first.estimator(),
            p.samplingSource()));
    for (SamplingError e : p.expectedSamplingError()) {
      out.append(
          String.format(
              Locale.ROOT,
              "    %-24s %s  (%,d of %,d responses sampled)%n",
              e.teacher(),
              e.standardError() == null
                  ? "unknown"
                  : String.format(Locale.ROOT, "%.4f", e.standardError()),
              e.sampled(),
              e.responses()));
    }
  }

  private static void formatTotals(CostPlan p, StringBuilder out) {
    out.append(String.format(Locale.ROOT, "Plan for student %s:%n", p.student()));
    out.append(
        String.format(
            Locale.ROOT,
            "  rows %,d (%,d reach the model), response tokens %,d%n",
            p.rows(),
            p.scorable(),
            p.responseTokens()));
    out.append(
        String.format(
            Locale.ROOT,
            "  model tokens: GALP %,d, LALP %,d, ratio %s; this run %,d%s%n",
            p.galpTokens(),
            p.lalpTokens(),
            p.lalpToGalp() == null ? "-" : String.format(Locale.ROOT, "%.2fx", p.lalpToGalp()),
            p.modelTokens(),
            p.exactTokens() > p.modelTokens()
                ? String.format(
                    Locale.ROOT,
                    " (every step: %,d; %,d responses sampled%s%s)",
                    p.exactTokens(),
                    p.sampledResponses(),
                    p.coveredShare() == null
                        ? ""
                        : String.format(
                            Locale.ROOT,
                            ", %.0f%% of their steps within the GALP pass's reach (covered: the"
                                + " difference estimator's control)",
                            100 * p.coveredShare()),
                    p.controlTokens() > 0
                        ? String.format(
                            Locale.ROOT,
                            "; %,d of this run's tokens are GALP passes the difference estimator"
                                + " needs",
                            p.controlTokens())
                        : "")
                : ""));
    out.append("  per response: ");
    p.costPercentiles()
        .forEach(
            (k, v) ->
                out.append(k)
                    .append(' ')
                    .append(String.format(Locale.ROOT, "%,d", v))
                    .append("  "));
  }
}
