package dev.naturalness.export;

import dev.naturalness.data.Fields;
import dev.naturalness.data.Turn;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One selected response as the formats need it: its ids and scores, the scored prompt's turns (a
 * chat row's own, else its text as one user turn) and the response.
 */
public record SelectedResponse(
    String responseId,
    String promptId,
    String teacher,
    String student,
    Double lalp,
    Double galp,
    Double margin,
    int rank,
    List<Turn> prompt,
    String response) {

  /** The columns every exported row of one selected response ends with. */
  public static final List<Feature> COLUMNS =
      List.of(
          Feature.string(Fields.RESPONSE_ID),
          Feature.string(Fields.PROMPT_ID),
          Feature.string(Fields.TEACHER),
          Feature.string(Fields.STUDENT),
          Feature.float64(Fields.LALP),
          Feature.float64(Fields.GALP),
          Feature.float64(Fields.MARGIN),
          Feature.int32(Fields.SELECTION_RANK));

  /** The values of {@link #COLUMNS}, by name. */
  public Map<String, Object> columns() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put(Fields.RESPONSE_ID, responseId);
    v.put(Fields.PROMPT_ID, promptId);
    v.put(Fields.TEACHER, teacher);
    v.put(Fields.STUDENT, student);
    v.put(Fields.LALP, lalp);
    v.put(Fields.GALP, galp);
    v.put(Fields.MARGIN, margin);
    v.put(Fields.SELECTION_RANK, rank);
    return v;
  }
}
