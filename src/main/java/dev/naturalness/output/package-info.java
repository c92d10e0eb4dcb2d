/**
 * The output directory's protocol, with Hadoop's filesystems alone: which run may write a directory
 * (its marker and lock), how small files are written whole, how the report and summary are
 * published last and the pointer moved after them, the committers for S3, the incremental cache's
 * own directory, and the work area a killed run resumes from. A run that cannot publish fails with
 * {@link JobFailure}.
 */
package dev.naturalness.output;
