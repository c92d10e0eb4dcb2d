/**
 * What people read before and after a run, built from plain records with no Spark: summary.json
 * (assembled from what the stages found), plan.json and its estimate of hours, report.html in its
 * sections, and the leaderboard printed at the end.
 */
package dev.naturalness.report;
