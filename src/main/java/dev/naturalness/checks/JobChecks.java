package dev.naturalness.checks;

import dev.naturalness.config.ConfigError;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Messages;
import dev.naturalness.model.StudentException;
import dev.naturalness.output.CacheDirectory;
import dev.naturalness.output.Outputs;
import dev.naturalness.output.PublishPointer;
import dev.naturalness.output.RunLock;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The checks before Spark starts: the input (files, columns, types), the output directory (ours to
 * claim, and not the run the publish pointer names), and every student (found, read, run on a few
 * tokens). Anything wrong stops the job with one line. Checks that reach an S3 endpoint give up
 * after s3.preflight-timeout-seconds.
 */
public final class JobChecks {
  /**
   * What the checks found.
   *
   * @param cluster whether executors are other JVMs than the driver
   * @param previousRun what the publish pointer named before this run (null: no pointer, or none
   *     yet)
   */
  public record Checked(
      Settings.Job settings,
      List<StudentChecks.Prepared> students,
      InputPreflight.Found input,
      boolean cluster,
      String previousRun,
      Cache cache,
      String runId,
      Instant started) {}

  /** The incremental cache's directory and what it held before the run (null: no cache). */
  public record Cache(CacheDirectory directory, CacheDirectory.Contents contents) {}

  private JobChecks() {}

  public static Checked check(Settings.Job settings, Configuration hadoop) {
    settings.s3().applyTo(hadoop);
    boolean cluster = !master(settings).startsWith("local");
    Settings.Output output = settings.output();
    InputPreflight.Found input =
        withinS3Deadline(
            settings,
            () -> InputPreflight.check(settings.input(), settings.scoring().segmenter(), hadoop));
    String previous =
        withinS3Deadline(
            settings,
            () -> {
              requireApart(settings.input().path(), output.path(), hadoop);
              requireStatusApart(settings, hadoop);
              new Outputs(output.path(), output.format(), hadoop).checkClaimable();
              return PublishPointer.of(output, hadoop).named();
            });
    checkEventLog(settings.spark().eventLog(), hadoop);
    Cache cache =
        settings.incremental().cache().isEmpty()
            ? null
            : withinS3Deadline(settings, () -> cache(settings.incremental().cache(), hadoop));
    List<StudentChecks.Prepared> students = StudentChecks.prepare(settings, hadoop, cluster);
    Instant started = Instant.now();
    return new Checked(
        settings, students, input, cluster, previous, cache, RunLock.newRunId(started), started);
  }

  /**
   * The output is neither inside the input (a later run would read this run's outputs as its
   * corpus) nor around it (claiming the output removes what the run reads).
   */
  static void requireApart(String input, String output, Configuration hadoop) {
    String in;
    String out;
    try {
      in = qualified(input, hadoop);
      out = qualified(output, hadoop);
    } catch (IOException | IllegalArgumentException e) {
      return; // the input's and the output's own checks say what is wrong with either
    }
    if (within(out, in)) {
      throw new ConfigError(
          "output.path "
              + output
              + " is inside input.path "
              + input
              + ": a later run would read this run's outputs as its corpus; write the outputs"
              + " outside the input");
    }
    if (within(in, out)) {
      throw new ConfigError(
          "input.path "
              + input
              + " is inside output.path "
              + output
              + ": the run would remove what it reads when it claims the output; write the"
              + " outputs elsewhere");
    }
  }

  /**
   * The status file is in neither the output (claiming it removes the file, and it is no output)
   * nor the input (a later run would read it as a corpus file).
   */
  static void requireStatusApart(Settings.Job settings, Configuration hadoop) {
    String status = settings.progress().statusFile();
    if (status.isEmpty()) {
      return;
    }
    try {
      refuseStatusInside(status, "output.path", settings.output().path(), hadoop);
      refuseStatusInside(status, "input.path", settings.input().path(), hadoop);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigError(
          "progress.status-file " + status + " is not a path: " + Messages.firstLine(e.toString()));
    }
  }

  private static void refuseStatusInside(
      String status, String key, String dir, Configuration hadoop) throws IOException {
    if (within(qualified(status, hadoop), qualified(dir, hadoop))) {
      throw new ConfigError(
          "progress.status-file "
              + status
              + " is inside "
              + key
              + " "
              + dir
              + ": keep the status file outside the run's input and output");
    }
  }

  /** Whether a qualified path is {@code dir} or below it. */
  private static boolean within(String path, String dir) {
    return path.equals(dir) || path.startsWith(dir + "/");
  }

  private static String qualified(String path, Configuration hadoop) throws IOException {
    Path p = new Path(path);
    String q = p.getFileSystem(hadoop).makeQualified(p).toString();
    return q.endsWith("/") ? q.substring(0, q.length() - 1) : q;
  }

  /**
   * spark.event-log must name a directory that exists: Spark would fail to start on it, with a
   * stack trace, after everything else had been checked.
   */
  static void checkEventLog(String eventLog, Configuration hadoop) {
    if (eventLog.isEmpty()) {
      return;
    }
    try {
      Path dir = new Path(eventLog);
      FileSystem fs = dir.getFileSystem(hadoop);
      if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
        throw new ConfigError(
            "spark.event-log "
                + eventLog
                + " is not a directory; create it (Spark writes one file per run there) or set"
                + " spark.event-log = \"\"");
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigError(
          "spark.event-log " + eventLog + " cannot be read: " + Messages.firstLine(e.getMessage()));
    }
  }

  private static Cache cache(String path, Configuration hadoop) {
    CacheDirectory directory = new CacheDirectory(path, hadoop);
    return new Cache(directory, directory.check());
  }

  /** The master spark-submit set, or the job's default. */
  public static String master(Settings.Job settings) {
    // spark-submit passes its --master to the driver as this system property, as SparkConf reads
    // it.
    return System.getProperty("spark.master", settings.spark().defaultMaster());
  }

  /**
   * Runs a check that may reach an S3 endpoint, giving up after s3.preflight-timeout-seconds with
   * one line naming the endpoint: an endpoint that does not answer would otherwise hang the check
   * for as long as S3A retries.
   */
  static <T> T withinS3Deadline(Settings.Job settings, Supplier<T> check) {
    boolean s3 =
        settings.input().path().startsWith("s3a:")
            || settings.output().path().startsWith("s3a:")
            || settings.incremental().cache().startsWith("s3a:")
            || settings.output().publishPointer().startsWith("s3a:");
    if (!s3) {
      return check.get();
    }
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "naturalness-s3-check");
              t.setDaemon(true);
              return t;
            });
    Future<T> result = thread.submit(check::get);
    int seconds = settings.s3().preflightTimeoutSeconds();
    try {
      return result.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      String endpoint =
          settings.s3().endpoint().isEmpty()
              ? "the default AWS endpoint"
              : settings.s3().endpoint();
      throw new ConfigError(
          "no answer from the S3 endpoint "
              + endpoint
              + " within "
              + seconds
              + " s (s3.preflight-timeout-seconds) while checking "
              + settings.input().path()
              + " and "
              + settings.output().path()
              + "; check s3.endpoint, s3.region and the network");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConfigError | e.getCause() instanceof StudentException) {
        throw (RuntimeException) e.getCause();
      }
      throw new ConfigError(
          "the checks before Spark failed: " + Messages.firstLine(String.valueOf(e.getCause())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConfigError("interrupted while checking the input and output");
    } finally {
      thread.shutdownNow();
    }
  }
}
