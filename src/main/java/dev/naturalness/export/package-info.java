/**
 * Training data from the selection, in the formats trainers load, as plain Java: each format is one
 * class (its columns as {@link dev.naturalness.export.Feature}s, its row from a selected response
 * or a pair, its card text, its LLaMA-Factory entry) registered in {@link
 * dev.naturalness.export.ExportFormat}; the dataset card and LLaMA-Factory's dataset_info.json. The
 * Spark stage that writes the files derives its schema from these columns. No Spark here.
 */
package dev.naturalness.export;
