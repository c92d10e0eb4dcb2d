/**
 * Text before the model: the prompt template, the segmenters that cut a response into steps, and
 * the alignment of tokenizer offsets to steps. Plain Java; knows nothing of Spark or DJL.
 */
package dev.naturalness.text;
