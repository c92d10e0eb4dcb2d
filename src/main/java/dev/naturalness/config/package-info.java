/**
 * Settings read once on the driver: command line, --config files and reference.conf resolved into
 * small immutable records, checked before Spark starts. Executors receive the records, never a
 * Config.
 */
package dev.naturalness.config;
