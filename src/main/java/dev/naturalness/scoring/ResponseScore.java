package dev.naturalness.scoring;

/**
 * Scores of one response. {@code galp} and {@code lalp} are null when not computed or when no token
 * could be scored; {@code stepScores} holds the scored steps in order. {@code error} is null unless
 * the model failed on one of this response's sequences.
 *
 * @param plannedTokens tokens the model ran for this response (all its sequences)
 */
public record ResponseScore(
    Double galp,
    Double lalp,
    float[] stepScores,
    int nTokens,
    int nSteps,
    boolean truncated,
    long plannedTokens,
    String error) {

  public boolean ok() {
    return error == null;
  }
}
