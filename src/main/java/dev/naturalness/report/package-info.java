/**
 * What people read before and after a run, built from plain records with no Spark: summary.json,
 * plan.json, report.html and the leaderboard printed at the end.
 */
package dev.naturalness.report;
