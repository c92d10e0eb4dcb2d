/**
 * What is checked before Spark starts (the input's files, columns and types; the students; the
 * output and cache directories; the publish pointer), each problem one line and exit code 2, and
 * what a run's scores must pass before anything is published.
 */
package dev.naturalness.checks;
