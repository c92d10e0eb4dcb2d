package dev.naturalness.text;

/**
 * A response's steps that hold tokens: step k holds tokens [tokenBounds[k], tokenBounds[k+1]) and
 * the text span spans[k]. Steps left with no token are not here.
 */
public record AlignedSteps(int[] tokenBounds, Span[] spans) {
  public AlignedSteps {
    if (tokenBounds.length != spans.length + 1) {
      throw new IllegalArgumentException("tokenBounds must have one more entry than spans");
    }
  }

  /** No steps. */
  public static AlignedSteps none() {
    return new AlignedSteps(new int[] {0}, new Span[0]);
  }

  /** Steps given only by token bounds (tests): each step's span is its token range. */
  public static AlignedSteps ofBounds(int... tokenBounds) {
    Span[] spans = new Span[tokenBounds.length - 1];
    for (int k = 0; k < spans.length; k++) {
      spans[k] = new Span(tokenBounds[k], tokenBounds[k + 1]);
    }
    return new AlignedSteps(tokenBounds, spans);
  }

  public int count() {
    return spans.length;
  }
}
