package dev.naturalness.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.config.ConfigError;
import dev.naturalness.data.Messages;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run at a time per output directory: the lock file {@value #FILE}, created exclusively where
 * the filesystem can (a local disk, HDFS), naming the run, its host and process. The holder
 * refreshes it every {@value #HEARTBEAT_SECONDS} s and removes it when the run ends. A second run
 * finds it and stops before Spark starts, unless the holder is dead: a process of this host that is
 * gone, or a lock not refreshed for {@value #STALE_SECONDS} s (a driver on another host). On S3,
 * where two runs can both create it, the run reads it back, and checks before it publishes that it
 * still holds it; the run that lost it publishes nothing and says why.
 */
public final class RunLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

  public static final String FILE = "_naturalness.lock";
  static final long HEARTBEAT_SECONDS = 30;
  static final long STALE_SECONDS = 180;

  /** A run that no longer holds its output directory: it must not publish. */
  public static final class LostClaim extends JobFailure {
    private static final long serialVersionUID = 1L;

    public LostClaim(String message) {
      super(message);
    }
  }

  /** Who holds a lock, as its file says, and when it was last refreshed. */
  record Holder(String runId, String host, long pid, long pidStarted, String started, long seen) {
    static Holder of(String json, long modified) throws IOException {
      JsonNode n = new ObjectMapper().readTree(json);
      return new Holder(
          n.path("run_id").asText(""),
          n.path("host").asText(""),
          n.path("pid").asLong(-1),
          n.path("pid_started").asLong(-1),
          n.path("started").asText(""),
          modified);
    }

    /** Whether the run that wrote it is gone. */
    boolean dead(String thisHost, long now) {
      if (host.equals(thisHost) && pid > 0) {
        return ProcessHandle.of(pid)
            .map(p -> pidStarted > 0 && startMillis(p) > 0 && startMillis(p) != pidStarted)
            .orElse(true);
      }
      return now - seen > STALE_SECONDS * 1000;
    }

    String describe(long now) {
      return String.format(
          Locale.ROOT,
          "run %s (host %s, process %d, started %s, lock refreshed %d s ago)",
          runId,
          host,
          pid,
          started,
          Math.max(0, (now - seen) / 1000));
    }
  }

  private final Outputs outputs;
  private final Path file;
  private final String runId;
  private final String content;
  private final AtomicReference<String> lost = new AtomicReference<>();
  private ScheduledExecutorService heartbeat;

  private RunLock(Outputs outputs, String runId, String content) {
    this.outputs = outputs;
    this.file = new Path(outputs.root(), FILE);
    this.runId = runId;
    this.content = content;
  }

  /** A new run's id: when it started (UTC, to the second) and six random hex digits. */
  public static String newRunId(Instant started) {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC)
            .format(started)
        + "-"
        + String.format(Locale.ROOT, "%06x", new SecureRandom().nextInt(1 << 24));
  }

  /** Takes the output's lock for a run, or stops with one line naming the run that holds it. */
  static RunLock acquire(Outputs outputs, String runId, String started) {
    Map<String, Object> me = new LinkedHashMap<>();
    me.put("run_id", runId);
    me.put("host", host());
    me.put("pid", ProcessHandle.current().pid());
    me.put("pid_started", startMillis(ProcessHandle.current()));
    me.put("started", started);
    String content;
    try {
      content = new ObjectMapper().writeValueAsString(me) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    RunLock lock = new RunLock(outputs, runId, content);
    lock.take();
    return lock;
  }

  private void take() {
    String root = outputs.root().toString();
    try {
      FileSystem fs = file.getFileSystem(outputs.configuration());
      for (int attempt = 0; attempt < 3; attempt++) {
        if (createExclusively(fs)) {
          confirm(fs);
          startHeartbeat();
          return;
        }
        Holder holder = holder(fs);
        long now = System.currentTimeMillis();
        if (holder != null && !holder.dead(host(), now)) {
          throw new ConfigError(
              "output.path "
                  + root
                  + " is being written by "
                  + holder.describe(now)
                  + "; two runs cannot write one output.path: wait for it to end, or give this run"
                  + " another output.path");
        }
        if (holder != null) {
          LOG.warn(
              "output.path {}: taking over from {}, which is gone", root, holder.describe(now));
          fs.delete(file, false);
        }
      }
      throw new ConfigError(
          "output.path " + root + ": another run took its lock (" + FILE + ") at the same time");
    } catch (IOException e) {
      throw new ConfigError(
          "output.path "
              + root
              + " cannot be locked ("
              + FILE
              + "): "
              + Messages.firstLine(e.getMessage()));
    }
  }

  /** Creates the file only if there is none: atomically on a local disk and HDFS. */
  private boolean createExclusively(FileSystem fs) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if ("file".equals(fs.getUri().getScheme())) {
      java.nio.file.Path local = java.nio.file.Path.of(file.toUri().getPath());
      Files.createDirectories(local.getParent());
      try {
        Files.write(local, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    fs.setWriteChecksum(false);
    try (OutputStream out = fs.create(file, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  /**
   * On a store where two runs may both create the lock (S3), waits a moment and reads it back: the
   * run whose lock is not there lost.
   */
  private void confirm(FileSystem fs) throws IOException {
    String scheme = fs.getUri().getScheme();
    if (!"s3a".equals(scheme) && !"s3".equals(scheme)) {
      return;
    }
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Holder holder = holder(fs);
    if (holder == null || !holder.runId().equals(runId)) {
      throw new ConfigError(
          "output.path "
              + outputs.root()
              + " was claimed by "
              + (holder == null ? "another run" : holder.describe(System.currentTimeMillis()))
              + " at the same time as this run; two runs cannot write one output.path");
    }
  }

  private Holder holder(FileSystem fs) throws IOException {
    try {
      return Holder.of(Outputs.read(fs, file), fs.getFileStatus(file).getModificationTime());
    } catch (FileNotFoundException e) {
      return null;
    } catch (JsonProcessingException e) {
      // A lock cut short by a crash names nobody alive.
      return new Holder("(unreadable)", "", -1, -1, "", 0);
    }
  }

  private void startHeartbeat() {
    heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "naturalness-run-lock");
              t.setDaemon(true);
              return t;
            });
    heartbeat.scheduleAtFixedRate(
        this::refresh, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
  }

  /** Rewrites the lock (its time is the heartbeat), unless another run holds it now. */
  private void refresh() {
    try {
      FileSystem fs = file.getFileSystem(outputs.configuration());
      Holder holder = holder(fs);
      if (holder == null || !holder.runId().equals(runId)) {
        lost.compareAndSet(
            null,
            holder == null
                ? "its lock " + FILE + " was removed"
                : "its lock is now held by " + holder.describe(System.currentTimeMillis()));
        return;
      }
      Outputs.writeFile(file.toString(), content, outputs.configuration());
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot refresh {}: {}", file, Messages.firstLine(e.getMessage()));
    }
  }

  /** Fails unless this run still holds the lock and the marker names it: before it publishes. */
  public void checkStillOurs() throws IOException {
    FileSystem fs = file.getFileSystem(outputs.configuration());
    Holder holder = holder(fs);
    String why = lost.get();
    if (why == null && (holder == null || !holder.runId().equals(runId))) {
      why =
          holder == null
              ? "its lock " + FILE + " was removed"
              : "its lock is now held by " + holder.describe(System.currentTimeMillis());
    }
    if (why != null) {
      throw new LostClaim(
          "output.path "
              + outputs.root()
              + " is no longer this run's ("
              + why
              + "); this run publishes nothing");
    }
    outputs.checkMarkerIsOurs(runId);
  }

  public String runId() {
    return runId;
  }

  /** Stops refreshing and removes the lock if it is still this run's. */
  @Override
  public void close() {
    if (heartbeat != null) {
      heartbeat.shutdownNow();
    }
    try {
      FileSystem fs = file.getFileSystem(outputs.configuration());
      Holder holder = holder(fs);
      if (holder != null && holder.runId().equals(runId)) {
        fs.delete(file, false);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot remove {}: {}", file, Messages.firstLine(e.getMessage()));
    }
  }

  private static long startMillis(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
