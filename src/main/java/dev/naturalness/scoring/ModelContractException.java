package dev.naturalness.scoring;

/**
 * The model does not keep the student contract (logits of shape [rows, tokens, vocab-size]): no
 * batch can succeed, so scoring stops instead of retrying smaller batches.
 */
public final class ModelContractException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelContractException(String message) {
    super(message);
  }
}
