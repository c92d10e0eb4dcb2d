package dev.naturalness.scoring;

import dev.naturalness.data.Metric;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Everything that changes a score's number, and nothing that does not: the student (model and
 * tokenizer sha256, prompt template, BOS, dtype), where steps come from, the windows (the first is
 * the ranking default), whether windows keep the prompt, the length limit, the metrics and step
 * sampling. How the work is batched is {@link Execution}'s, and changes no number.
 *
 * <p>{@link #hash()} identifies scores: the incremental cache reuses a stored score only under the
 * same hash. It is derived from {@link #canonicalForm()}, which names every component of this
 * record, so a new score-affecting setting added here cannot be left out of it.
 *
 * @param steps the step source: paragraph, line, sentence, column or step-ends
 * @param sampleSteps score a sample of this many steps of longer responses (0: every step)
 */
public record ScoreDefinition(
    StudentIdentity student,
    String steps,
    List<WindowRule> windows,
    boolean includePrompt,
    int maxTokens,
    Set<Metric> metrics,
    int sampleSteps)
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
  }

  /** Paragraph steps, window fraction 0.25 with the prompt, both metrics, every step. */
  public static ScoreDefinition defaults(int maxTokens) {
    return new ScoreDefinition(
        StudentIdentity.UNNAMED,
        "paragraph",
        List.of(WindowRule.Fraction.of("0.25")),
        true,
        maxTokens,
        EnumSet.allOf(Metric.class),
        0);
  }

  /** The ranking window: the first. */
  public WindowRule window() {
    return windows.get(0);
  }

  public boolean computes(Metric metric) {
    return metrics.contains(metric);
  }

  public ScoreDefinition withWindow(WindowRule rule, boolean keepPrompt) {
    return new ScoreDefinition(
        student, steps, List.of(rule), keepPrompt, maxTokens, metrics, sampleSteps);
  }

  public ScoreDefinition withWindows(List<WindowRule> rules) {
    return new ScoreDefinition(
        student, steps, rules, includePrompt, maxTokens, metrics, sampleSteps);
  }

  public ScoreDefinition withMaxTokens(int max) {
    return new ScoreDefinition(student, steps, windows, includePrompt, max, metrics, sampleSteps);
  }

  public ScoreDefinition withMetrics(Set<Metric> which) {
    return new ScoreDefinition(
        student, steps, windows, includePrompt, maxTokens, which, sampleSteps);
  }

  public ScoreDefinition withSampleSteps(int m) {
    return new ScoreDefinition(student, steps, windows, includePrompt, maxTokens, metrics, m);
  }

  public ScoreDefinition withSteps(String source) {
    return new ScoreDefinition(
        student, source, windows, includePrompt, maxTokens, metrics, sampleSteps);
  }

  public ScoreDefinition withStudent(StudentIdentity identity) {
    return new ScoreDefinition(
        identity, steps, windows, includePrompt, maxTokens, metrics, sampleSteps);
  }

  /**
   * Every component, in a fixed order and spelling: the student's fields, the step source, each
   * window's normalised spec, include-prompt, max-tokens, the metrics in their declared order, and
   * the sample size.
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
            ? new ScoreDefinition(
                student,
                "-",
                List.of(new WindowRule.Steps(0)),
                true,
                maxTokens,
                EnumSet.of(Metric.GALP),
                0)
            : new ScoreDefinition(
                student,
                steps,
                List.of(WindowRule.parse(part)),
                includePrompt,
                maxTokens,
                EnumSet.of(Metric.LALP),
                sampleSteps);
    return alone.hash();
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
