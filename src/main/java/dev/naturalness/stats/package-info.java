/**
 * The teacher statistics, as plain Java over plain values: a teacher's figures from its responses
 * (means, medians, bootstrap intervals over prompts, correlations), the joint bootstrap that gives
 * each teacher's chance of ranking first, and the ranked teacher table. No Spark here.
 */
package dev.naturalness.stats;
