/**
 * The Spark shell around the scoring core: read and validate the corpus, partition it by estimated
 * tokens, score partitions with one student per executor JVM, aggregate per teacher, select per
 * prompt, and write the outputs. Each stage is a small named method over Datasets.
 */
package dev.naturalness.spark;
