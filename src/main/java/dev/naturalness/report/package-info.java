/** What people read after a run: summary.json and the teacher leaderboard printed at the end. */
package dev.naturalness.report;
