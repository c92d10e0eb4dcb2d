/**
 * The rows the job reads and writes, as plain records: a corpus row and the checks that decide
 * whether it can be scored, a row's status, the metrics, a score record and its parts, a teacher's
 * summary, and the names of the columns. No Spark here.
 */
package dev.naturalness.data;
