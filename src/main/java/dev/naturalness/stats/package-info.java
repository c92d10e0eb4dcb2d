/**
 * The statistics the job reports, as plain Java over plain values: per-teacher means, medians and
 * bootstrap intervals, correlations, and the joint bootstrap that gives each teacher's chance of
 * ranking first. No Spark here.
 */
package dev.naturalness.stats;
