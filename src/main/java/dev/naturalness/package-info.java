/**
 * naturalness: scores teacher reasoning traces with a student model (local naturalness, LALP, and
 * global naturalness, GALP), ranks teachers and selects the best responses per prompt, as a Spark
 * batch job. {@link dev.naturalness.NaturalnessJob} is the entry point.
 */
package dev.naturalness;
