package dev.naturalness.data;

import java.io.Serializable;
import java.util.List;

/**
 * One input row as the job reads it, before scoring.
 *
 * @param responseId the given id, or a sha256 of prompt_id, teacher and response when none is given
 * @param correct the row's label read as a boolean, or null when absent or not understood
 * @param readProblem a problem found while reading (a JSON line that is not an object), or null
 * @param duplicate whether an earlier row has this row's id
 * @param textSha sha256 of the prompt, response and given steps: what a score depends on in the row
 * @param turns a chat row's prompt turns (the student renders them through its chat template); null
 *     for a row whose prompt is one text
 * @param flags the checks before selection the row fails (select.require picks those that count)
 */
public record CorpusRow(
    String promptId,
    String prompt,
    String teacher,
    String response,
    String responseId,
    Boolean correct,
    StepInput steps,
    RowProblem readProblem,
    Duplicate duplicate,
    String textSha,
    List<Turn> turns,
    List<RowFlag> flags)
    implements Serializable {}
