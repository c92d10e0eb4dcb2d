/**
 * The rows the job reads and writes, as plain records: a corpus row and the checks that decide
 * whether it can be scored, a row's status, a score record and a teacher's summary. No Spark here.
 */
package dev.naturalness.data;
