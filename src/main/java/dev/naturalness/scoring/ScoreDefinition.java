package dev.naturalness.scoring;

import dev.naturalness.data.Metric;
import dev.naturalness.text.Sha256;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Everything that changes a score's number, and nothing that does not: the student (model and
 * tokenizer sha256, prompt and chat template, BOS, dtype), how the corpus gives its prompts and
 * responses (its shape, a response template), where steps come from, the windows (the first is the
 * ranking default), whether windows keep the prompt, the length limit, the metrics, and step
 * sampling with its estimator. How the work is batched is {@link Execution}'s, and changes no
 * number.
 *
 * <p>{@link #hash()} identifies scores: the incremental cache reuses a stored score only under the
 * same hash. It is derived from {@link #canonicalForm()}, which names every component of this
 * record, so a new score-affecting setting added here cannot be left out of it. Components added
 * after the first version appear in it only when they differ from what came before them, so that
 * scores stored earlier keep their hashes.
 *
 * @param input how the corpus gives prompts and responses, e.g. {@code shape=messages}; empty for a
 *     flat corpus with one response column
 * @param steps the step source: paragraph, line, sentence, column or step-ends
 * @param sampleSteps score a sample of this many steps of longer responses (0: every step)
 * @param estimator with sampling, how the sample estimates the mean: the difference estimator (the
 *     GALP pass's step means as a control variate) or the plain mean; null without sampling
 */
public record ScoreDefinition(
    StudentIdentity student,
    String input,
    String steps,
    List<WindowRule> windows,
    boolean includePrompt,
    int maxTokens,
    Set<Metric> metrics,
    int sampleSteps,
    SampleEstimator estimator)
    implements Serializable {

  public ScoreDefinition {
    if (maxTokens < 2) {
      throw new IllegalArgumentException("max tokens must be >= 2, got " + maxTokens);
    }
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("at least one of lalp and galp must be computed");
    }
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("at least one window");
    }
    if (sampleSteps < 0) {
      throw new IllegalArgumentException("sample steps must be >= 0, got " + sampleSteps);
    }
    windows = List.copyOf(windows);
    metrics = Set.copyOf(metrics);
    estimator = sampleSteps == 0 ? null : estimator;
  }

  /** Paragraph steps, window fraction 0.25 with the prompt, both metrics, every step. */
  public static ScoreDefinition defaults(int maxTokens) {
    return new ScoreDefinition(
        StudentIdentity.UNNAMED,
        "",
        "paragraph",
        List.of(WindowRule.Fraction.of("0.25")),
        true,
        maxTokens,
        EnumSet.allOf(Metric.class),
        0,
        null);
  }

  /**
   * Whether a sampled response's LALP is the difference estimator: the mean of every step's
   * GALP-context mean plus the sampled steps' mean of (LALP step score - that step's GALP-context
   * mean). Its GALP pass then runs even when GALP is not a metric.
   */
  public boolean differenceEstimator() {
    return sampleSteps > 0 && computes(Metric.LALP) && estimator == SampleEstimator.DIFFERENCE;
  }

  /** The ranking window: the first. */
  public WindowRule window() {
    return windows.get(0);
  }

  public boolean computes(Metric metric) {
    return metrics.contains(metric);
  }

  public ScoreDefinition withWindow(WindowRule rule, boolean keepPrompt) {
    return toBuilder().windows(List.of(rule)).includePrompt(keepPrompt).build();
  }

  public ScoreDefinition withWindows(List<WindowRule> rules) {
    return toBuilder().windows(rules).build();
  }

  public ScoreDefinition withMaxTokens(int max) {
    return toBuilder().maxTokens(max).build();
  }

  public ScoreDefinition withMetrics(Set<Metric> which) {
    return toBuilder().metrics(which).build();
  }

  public ScoreDefinition withSampleSteps(int m) {
    return toBuilder().sampleSteps(m).build();
  }

  public ScoreDefinition withEstimator(SampleEstimator e) {
    return toBuilder().estimator(e).build();
  }

  public ScoreDefinition withSteps(String source) {
    return toBuilder().steps(source).build();
  }

  public ScoreDefinition withStudent(StudentIdentity identity) {
    return toBuilder().student(identity).build();
  }

  public ScoreDefinition withInput(String how) {
    return toBuilder().input(how).build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Every component, in a fixed order and spelling: the student's fields, the step source, each
   * window's normalised spec, include-prompt, max-tokens, the metrics in their declared order, the
   * sample size; then the components added later, each only when it says more than nothing (the
   * input's form, the chat template, the sample estimator).
   */
  public String canonicalForm() {
    List<String> parts = new ArrayList<>();
    parts.add("model=" + student.modelSha256());
    parts.add("tokenizer=" + student.tokenizerSha256());
    parts.add("template=" + student.promptTemplate());
    parts.add("bos=" + student.bosId());
    parts.add("dtype=" + student.dtype());
    parts.add("steps=" + steps);
    List<String> specs = new ArrayList<>();
    for (WindowRule w : windows) {
      specs.add(w.spec());
    }
    parts.add("windows=" + String.join(",", specs));
    parts.add("include-prompt=" + includePrompt);
    parts.add("max-tokens=" + maxTokens);
    List<String> keys = new ArrayList<>();
    for (Metric m : Metric.values()) {
      if (metrics.contains(m)) {
        keys.add(m.key());
      }
    }
    parts.add("metrics=" + String.join(",", keys));
    parts.add("sample-steps=" + sampleSteps);
    if (!input.isEmpty()) {
      parts.add("input=" + input);
    }
    if (!student.chatTemplate().isEmpty()) {
      parts.add("chat-template=" + student.chatTemplate());
    }
    if (estimator == SampleEstimator.DIFFERENCE) {
      // Plain is what sampling meant before there was a choice.
      parts.add("sample-estimator=" + estimator.key());
    }
    if (sampleSteps > 0) {
      // Samples drawn by stratum, with each stratum's draws kept for the pooled standard error:
      // parts stored before had neither.
      parts.add("sample-strata=galp-reach");
    }
    return String.join("\n", parts);
  }

  /** The first 16 hex digits of the sha256 of {@link #canonicalForm()}. */
  public String hash() {
    return sha256(canonicalForm()).substring(0, 16);
  }

  /**
   * The hash of the scores of one window (the step scores, LALP and its variants under that window)
   * and of GALP alone: what the incremental cache stores each part under, so that adding a window
   * reuses the others. A window's part does not depend on the other windows or on GALP.
   */
  public String partHash(String part) {
    ScoreDefinition alone =
        part.equals(Metric.GALP.key())
            ? toBuilder()
                .steps("-")
                .windows(List.of(new WindowRule.Steps(0)))
                .includePrompt(true)
                .metrics(EnumSet.of(Metric.GALP))
                .sampleSteps(0)
                .build()
            : toBuilder()
                .windows(List.of(WindowRule.parse(part)))
                .metrics(EnumSet.of(Metric.LALP))
                .build();
    return alone.hash();
  }

  static String sha256(String text) {
    return Sha256.hex(text);
  }

  /** Builds a definition; a copy changes only what it sets. */
  public static final class Builder {
    private StudentIdentity student;
    private String input;
    private String steps;
    private List<WindowRule> windows;
    private boolean includePrompt;
    private int maxTokens;
    private Set<Metric> metrics;
    private int sampleSteps;
    private SampleEstimator estimator;

    private Builder(ScoreDefinition d) {
      student = d.student;
      input = d.input;
      steps = d.steps;
      windows = d.windows;
      includePrompt = d.includePrompt;
      maxTokens = d.maxTokens;
      metrics = d.metrics;
      sampleSteps = d.sampleSteps;
      estimator = d.estimator;
    }

    public Builder student(StudentIdentity v) {
      student = v;
      return this;
    }

    public Builder input(String v) {
      input = v;
      return this;
    }

    public Builder steps(String v) {
      steps = v;
      return this;
    }

    public Builder windows(List<WindowRule> v) {
      windows = v;
      return this;
    }

    public Builder includePrompt(boolean v) {
      includePrompt = v;
      return this;
    }

    public Builder maxTokens(int v) {
      maxTokens = v;
      return this;
    }

    public Builder metrics(Set<Metric> v) {
      metrics = v;
      return this;
    }

    public Builder sampleSteps(int v) {
      sampleSteps = v;
      return this;
    }

    public Builder estimator(SampleEstimator v) {
      estimator = v;
      return this;
    }

    public ScoreDefinition build() {
      return new ScoreDefinition(
          student,
          input,
          steps,
          windows,
          includePrompt,
          maxTokens,
          metrics,
          sampleSteps,
          estimator);
    }
  }
}
