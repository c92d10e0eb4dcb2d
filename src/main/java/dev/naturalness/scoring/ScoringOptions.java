package dev.naturalness.scoring;

import java.io.Serializable;

/**
 * What the scorer computes and how it batches.
 *
 * @param window the LALP window rule
 * @param includePrompt keep the rendered prompt in every local window (else only BOS, if any)
 * @param maxTokens bound on every sequence the model sees
 * @param lalp compute LALP and step scores
 * @param galp compute GALP
 * @param batchTokens bound on rows x longest row of one forward pass
 * @param rowTokens preferred row length when short sequences are packed together
 * @param pack put several sequences in one row (block-diagonal mask); off: one sequence per row
 * @param groupWindows score all steps that share a window start in one sequence; off: one sequence
 *     per step window (the definition read literally, for checking)
 */
public record ScoringOptions(
    WindowRule window,
    boolean includePrompt,
    int maxTokens,
    boolean lalp,
    boolean galp,
    int batchTokens,
    int rowTokens,
    boolean pack,
    boolean groupWindows)
    implements Serializable {

  public ScoringOptions {
    if (maxTokens < 2) {
      throw new IllegalArgumentException("max tokens must be >= 2, got " + maxTokens);
    }
    if (!lalp && !galp) {
      throw new IllegalArgumentException("at least one of lalp and galp must be computed");
    }
    if (batchTokens < 1 || rowTokens < 1) {
      throw new IllegalArgumentException("batch and row token budgets must be positive");
    }
  }

  public static ScoringOptions defaults(int maxTokens) {
    return new ScoringOptions(
        WindowRule.Fraction.of("0.25"), true, maxTokens, true, true, 4096, 512, true, true);
  }

  public ScoringOptions withWindow(WindowRule rule, boolean includePromptInWindow) {
    return new ScoringOptions(
        rule,
        includePromptInWindow,
        maxTokens,
        lalp,
        galp,
        batchTokens,
        rowTokens,
        pack,
        groupWindows);
  }

  public ScoringOptions withMaxTokens(int max) {
    return new ScoringOptions(
        window, includePrompt, max, lalp, galp, batchTokens, rowTokens, pack, groupWindows);
  }

  public ScoringOptions withExecution(boolean packRows, boolean groupStepWindows) {
    return new ScoringOptions(
        window,
        includePrompt,
        maxTokens,
        lalp,
        galp,
        batchTokens,
        rowTokens,
        packRows,
        groupStepWindows);
  }

  public ScoringOptions withBatch(int batchTokenBudget, int rowTokenLength) {
    return new ScoringOptions(
        window,
        includePrompt,
        maxTokens,
        lalp,
        galp,
        batchTokenBudget,
        rowTokenLength,
        pack,
        groupWindows);
  }
}
