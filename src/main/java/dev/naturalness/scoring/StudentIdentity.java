package dev.naturalness.scoring;

import java.io.Serializable;

/**
 * What of a student changes its numbers: the model's and the tokenizer's sha256, the prompt
 * template, the chat template (as one text; empty: none), the BOS id and the dtype (its name is a
 * label and changes nothing).
 */
public record StudentIdentity(
    String modelSha256,
    String tokenizerSha256,
    String promptTemplate,
    String chatTemplate,
    long bosId,
    String dtype)
    implements Serializable {
  /** For tests of the core that run a model of their own. */
  public static final StudentIdentity UNNAMED =
      new StudentIdentity("", "", "{prompt}", "", -1, "float32");
}
