package dev.naturalness.model;

import dev.naturalness.scoring.ScoreDefinition;
import java.io.Serializable;
import java.util.List;

/**
 * One student as executors need it: where its files are and how they get them, the fingerprint its
 * local copies are kept under, and the score definition it scores with.
 *
 * @param source the path as configured, for messages and outputs
 * @param location what executors read: a local directory (LOCAL), a Hadoop path (COPY), or nothing
 *     (SHIPPED: Spark brought the files)
 * @param files the student's file names
 */
public record StudentSpec(
    String name,
    String source,
    Kind kind,
    String location,
    List<String> files,
    String fingerprint,
    String modelSha256,
    ScoreDefinition definition)
    implements Serializable {

  /** How executors get the student's files. */
  public enum Kind {
    /** A directory every executor reads where it is: local mode, or a file: path every node has. */
    LOCAL,
    /** A Hadoop path (s3a://, hdfs://, ...): each node copies it once into its local cache. */
    COPY,
    /** A directory on the driver, shipped by Spark (SparkContext.addFile) to each executor. */
    SHIPPED
  }

  /** The name a shipped file has among Spark's files: unique per student. */
  public String shippedName(String file) {
    return fingerprint + "-" + file;
  }
}
