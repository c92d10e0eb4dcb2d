package dev.naturalness.data;

/** Column names inside the job and in its outputs. */
public final class Fields {
  public static final String PROMPT_ID = "prompt_id";
  public static final String PROMPT = "prompt";
  public static final String TEACHER = "teacher";
  public static final String RESPONSE = "response";
  public static final String RESPONSE_ID = "response_id";
  public static final String CORRECT = "correct";
  public static final String STEPS = "steps";
  public static final String STEP_ENDS = "step_ends";

  /** The row's place in its scan, for "the first of duplicates". */
  public static final String ROW = "_row";

  /** none, same_text or other_text: whether an earlier row has the same response_id. */
  public static final String DUPLICATE = "_duplicate";

  /** A problem found while reading the row (a JSON line that is not an object), or null. */
  public static final String READ_PROBLEM = "_read_problem";

  /** Whether the correct label was there but not understood (it then counts as unknown). */
  public static final String CORRECT_UNRECOGNIZED = "_correct_unrecognized";

  public static final String EST_TOKENS = "_est_tokens";

  /** A chat row's prompt turns (array of {role, content}), null for a row whose prompt is text. */
  public static final String TURNS = "_turns";

  /** Whether the corpus says the response's reasoning is complete (null: it does not say). */
  public static final String COMPLETE = "_complete";

  /** The generation's finish reason, as the corpus gives it (null: none). */
  public static final String FINISH_REASON = "_finish_reason";

  /** The teacher's model family (null: unknown). */
  public static final String TEACHER_FAMILY = "_teacher_family";

  /** The status code of a row its shape cannot give a response for (null: none). */
  public static final String SHAPE_STATUS = "_shape_status";

  /** The checks before selection a row fails (array of flag codes). */
  public static final String FLAGS = "flags";

  /**
   * sha256 of prompt, response and given steps: a cached score is reused only for the same text.
   */
  public static final String TEXT_SHA = "_text_sha";

  /** Every column of the input row as read, carried from the scan that is scored to selected/. */
  public static final String INPUT = "_input";

  /** The incremental cache's stored parts for a row (for one student), or null. */
  public static final String CACHED_PARTS = "_cached_parts";

  /** Whether a score row came from the incremental cache. */
  public static final String REUSED = "_reused";

  public static final String STUDENT = "student";
  public static final String LALP = "lalp";
  public static final String GALP = "galp";
  public static final String LALP_BY_WINDOW = "lalp_by_window";
  public static final String LALP_DROP_FIRST = "lalp_drop_first";
  public static final String LALP_SE = "lalp_se";
  public static final String LALP_STRATA = "lalp_strata";
  public static final String STEPS_SCORED = "steps_scored";
  public static final String N_TOKENS = "n_tokens";
  public static final String N_STEPS = "n_steps";
  public static final String RESPONSE_CHARS = "response_chars";
  public static final String TRUNCATED = "truncated";
  public static final String STATUS = "status";
  public static final String ERROR = "error";
  public static final String STEP_SCORES = "step_scores";
  public static final String STEP_SPANS = "step_spans";
  public static final String REPEATED_STEPS = "repeated_steps";
  public static final String LALP_NO_REPEATS = "lalp_no_repeats";
  public static final String CONFIG_HASH = "config_hash";

  /**
   * Tokens the model ran for the row: its sequences, a prompt shared in a packed unit counted once.
   */
  public static final String MODEL_TOKENS = "model_tokens";

  public static final String MARGIN = "margin";
  public static final String SELECTION_RANK = "selection_rank";
  public static final String SELECTION_CERTAINTY = "selection_certainty";

  private Fields() {}
}
