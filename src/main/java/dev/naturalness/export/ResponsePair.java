package dev.naturalness.export;

import dev.naturalness.data.Fields;
import dev.naturalness.data.Turn;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A preference pair of one student and prompt: the scored prompt's turns, and the chosen and the
 * rejected candidate (their ids, teachers, scores and texts).
 */
public record ResponsePair(
    String promptId, String student, List<Turn> prompt, Side chosen, Side rejected) {

  /** One candidate of a pair. */
  public record Side(
      String responseId, String teacher, Double lalp, Double galp, String response) {}

  /** The columns every pair ends with: the chosen's ids and scores, then the rejected's. */
  public static final List<Feature> COLUMNS =
      List.of(
          Feature.string(Fields.RESPONSE_ID),
          Feature.string(Fields.PROMPT_ID),
          Feature.string(Fields.TEACHER),
          Feature.string(Fields.STUDENT),
          Feature.float64(Fields.LALP),
          Feature.float64(Fields.GALP),
          Feature.float64(Fields.MARGIN),
          Feature.string("rejected_response_id"),
          Feature.string("rejected_teacher"),
          Feature.float64("rejected_lalp"),
          Feature.float64("rejected_galp"));

  /**
   * The smallest margin a pair may have: the scores' documented precision (a response scores the
   * same within 1e-4 however it is packed), below which "better" is packing noise.
   */
  public static final double PRECISION = 1e-4;

  /** Why this pair teaches no preference, or null when it does. */
  public String whyNotAPair() {
    if (chosen.response().equals(rejected.response())) {
      return "chosen and rejected are the same text";
    }
    if (!(margin() > PRECISION)) {
      return "margin within the scores' precision (1e-4)";
    }
    return null;
  }

  /** The chosen's LALP over the rejected's. */
  public double margin() {
    return chosen.lalp() - rejected.lalp();
  }

  /** The values of {@link #COLUMNS}, by name. */
  public Map<String, Object> columns() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put(Fields.RESPONSE_ID, chosen.responseId());
    v.put(Fields.PROMPT_ID, promptId);
    v.put(Fields.TEACHER, chosen.teacher());
    v.put(Fields.STUDENT, student);
    v.put(Fields.LALP, chosen.lalp());
    v.put(Fields.GALP, chosen.galp());
    v.put(Fields.MARGIN, margin());
    v.put("rejected_response_id", rejected.responseId());
    v.put("rejected_teacher", rejected.teacher());
    v.put("rejected_lalp", rejected.lalp());
    v.put("rejected_galp", rejected.galp());
    return v;
  }
}
