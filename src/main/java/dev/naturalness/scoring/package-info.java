/**
 * GALP and LALP, exactly as defined: the window plan that groups steps by window start, packing of
 * planned sequences into model rows, batching under a token budget, and the assembly of step and
 * response scores. Plain Java; the model is reached through {@link
 * dev.naturalness.scoring.TokenLogProbModel}.
 */
package dev.naturalness.scoring;
