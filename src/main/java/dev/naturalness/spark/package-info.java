/**
 * The Spark shell around the scoring core, and only that: read the corpus into {@link Dataset}s,
 * plan and partition by planned cost, score partitions with one student per executor JVM, aggregate
 * per teacher, select per prompt, write the tables, and run these stages in order ({@link
 * Pipeline}). Every file here uses Spark; what does not lives in checks/, output/, stats/ and
 * report/.
 */
package dev.naturalness.spark;

import org.apache.spark.sql.Dataset;
