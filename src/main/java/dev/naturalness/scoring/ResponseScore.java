package dev.naturalness.scoring;

/**
 * Scores of one response. {@code galp} and {@code lalp} are null when not computed or when no token
 * could be scored; {@code stepScores} holds the scored steps in order. {@code error} is null unless
 * the model failed on one of this response's sequences.
 *
 * @param modelTokens tokens the model ran for this response: its sequences' tokens, a prompt shared
 *     with other sequences in a packed unit counted once (for the first of them); for a response
 *     that failed, its sequences' tokens
 */
public record ResponseScore(
    Double galp,
    Double lalp,
    float[] stepScores,
    int nTokens,
    int nSteps,
    boolean truncated,
    long modelTokens,
    String error) {

  public boolean ok() {
    return error == null;
  }
}
