package dev.naturalness.spark;

/** Column names inside the job and in its outputs. */
public final class Fields {
  public static final String PROMPT_ID = "prompt_id";
  public static final String PROMPT = "prompt";
  public static final String TEACHER = "teacher";
  public static final String RESPONSE = "response";
  public static final String RESPONSE_ID = "response_id";
  public static final String CORRECT = "correct";
  public static final String STEPS = "steps";

  /** Input order, for "the first of duplicates" and for joining selected rows back to the input. */
  public static final String ROW = "_row";

  /** Set when an earlier row has the same response_id. */
  public static final String DUPLICATE = "_duplicate";

  /** A problem found while reading the row (e.g. correct holds "maybe"). */
  public static final String ROW_PROBLEM = "_problem";

  public static final String EST_TOKENS = "_est_tokens";

  /** sha256 of prompt and response: a cached score is reused only for the same text. */
  public static final String TEXT_SHA = "_text_sha";

  /** Whether a score row came from the incremental cache. */
  public static final String REUSED = "_reused";

  public static final String LALP = "lalp";
  public static final String GALP = "galp";
  public static final String N_TOKENS = "n_tokens";
  public static final String N_STEPS = "n_steps";
  public static final String TRUNCATED = "truncated";
  public static final String STATUS = "status";
  public static final String ERROR = "error";
  public static final String STEP_SCORES = "step_scores";
  public static final String STUDENT = "student";
  public static final String CONFIG_HASH = "config_hash";

  /**
   * Tokens the model ran for the row: its sequences, a prompt shared in a packed unit counted once.
   */
  public static final String MODEL_TOKENS = "model_tokens";

  public static final String MARGIN = "margin";
  public static final String SELECTION_RANK = "selection_rank";

  private Fields() {}
}
