package dev.naturalness.report;

/**
 * What reading the corpus counted.
 *
 * @param duplicateIdsWithOtherText rows whose response_id an earlier row has with another text
 * @param correctUnrecognized rows whose correct label was not understood (taken as unknown)
 * @param labelled rows with a correct label (true or false)
 */
public record CorpusCounts(
    long rows, long duplicateIdsWithOtherText, long correctUnrecognized, long labelled) {}
