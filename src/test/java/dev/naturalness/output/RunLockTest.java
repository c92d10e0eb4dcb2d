package dev.naturalness.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.config.ConfigError;
import dev.naturalness.config.OutputFormat;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run per output directory: the second is refused in one line before it starts, a dead run's
 * lock is taken over, and a run that lost its directory cannot publish.
 */
class RunLockTest {
  @TempDir Path tmp;

  Outputs outputs(Path dir) {
    return new Outputs(dir.toString(), OutputFormat.PARQUET, new Configuration());
  }

  static String lock(String runId, String host, long pid, long pidStarted) {
    return "{\"run_id\":\""
        + runId
        + "\",\"host\":\""
        + host
        + "\",\"pid\":"
        + pid
        + ",\"pid_started\":"
        + pidStarted
        + ",\"started\":\"2026-12-04T00:00:00Z\"}\n";
  }

  @Test
  void aSecondRunOnTheSameOutputIsRefusedInOneLineNamingTheFirst() throws Exception {
    Path out = tmp.resolve("out");
    RunLock first = outputs(out).claim("run-a", "now", "hash", true);
    ConfigError e =
        assertThrows(ConfigError.class, () -> outputs(out).claim("run-b", "now", "hash", true));
    assertTrue(e.getMessage().startsWith("output.path " + out + " is being written by run run-a"));
    assertTrue(e.getMessage().contains("process " + ProcessHandle.current().pid()));
    assertFalse(e.getMessage().contains("\n"));
    assertTrue(Files.readString(out.resolve(Outputs.MARKER)).contains("run-a"), "left alone");
    first.checkStillOurs();
    first.close();
    assertFalse(Files.exists(out.resolve(RunLock.FILE)), "the lock goes with its run");
    try (RunLock second = outputs(out).claim("run-b", "now", "hash", true)) {
      second.checkStillOurs();
    }
  }

  @Test
  void aLockLeftByAProcessOfThisHostThatIsGoneIsTakenOver() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve(Outputs.MARKER), "{\"written_by\": \"naturalness\"}\n");
    String host = InetAddress.getLocalHost().getHostName();
    Files.writeString(out.resolve(RunLock.FILE), lock("killed", host, gone.pid(), 1));
    try (RunLock lock = outputs(out).claim("rerun", "now", "hash", true)) {
      lock.checkStillOurs();
      assertTrue(Files.readString(out.resolve(RunLock.FILE)).contains("rerun"));
    }
    // This process is alive: its lock holds, however old its file.
    long me = ProcessHandle.current().pid();
    long started =
        ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    Files.writeString(out.resolve(RunLock.FILE), lock("alive", host, me, started));
    Files.setLastModifiedTime(
        out.resolve(RunLock.FILE), FileTime.from(Instant.now().minusSeconds(3600)));
    assertThrows(ConfigError.class, () -> outputs(out).claim("other", "now", "hash", true));
  }

  @Test
  void aLockFromAnotherHostIsTakenOverOnlyOnceItHasNotBeenRefreshedForAWhile() throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Path file = out.resolve(RunLock.FILE);
    Files.writeString(file, lock("remote", "another-host.example", 4242, 1));
    ConfigError e =
        assertThrows(ConfigError.class, () -> outputs(out).claim("mine", "now", "hash", true));
    assertTrue(e.getMessage().contains("run remote (host another-host.example"), e.getMessage());
    Files.setLastModifiedTime(
        file, FileTime.from(Instant.now().minusSeconds(RunLock.STALE_SECONDS + 10)));
    try (RunLock lock = outputs(out).claim("mine", "now", "hash", true)) {
      lock.checkStillOurs();
    }
  }

  @Test
  void aRunWhoseLockOrMarkerNowNamesAnotherRunPublishesNothing() throws Exception {
    Path out = tmp.resolve("out");
    try (RunLock lock = outputs(out).claim("mine", "now", "hash", true)) {
      Files.writeString(out.resolve(RunLock.FILE), lock("thief", "another-host.example", 1, 1));
      RunLock.LostClaim lost = assertThrows(RunLock.LostClaim.class, lock::checkStillOurs);
      assertTrue(lost.getMessage().contains("held by run thief"), lost.getMessage());
      assertTrue(lost.getMessage().endsWith("this run publishes nothing"), lost.getMessage());
    }
    assertTrue(Files.exists(out.resolve(RunLock.FILE)), "another run's lock is never removed");
    Files.delete(out.resolve(RunLock.FILE));
    try (RunLock lock = outputs(out).claim("mine-again", "now", "hash", true)) {
      Files.writeString(
          out.resolve(Outputs.MARKER),
          "{\"written_by\": \"naturalness\", \"run_id\": \"thief\"}\n");
      RunLock.LostClaim lost = assertThrows(RunLock.LostClaim.class, lock::checkStillOurs);
      assertTrue(lost.getMessage().contains("no longer names run mine-again"), lost.getMessage());
    }
  }

  @Test
  void aClaimRemovesWhatAnEarlierRunLeftForReadersAndAPlanOnlyClaimDoesNot() throws Exception {
    Path out = tmp.resolve("out");
    try (RunLock lock = outputs(out).claim("first", "now", "hash", true)) {
      for (String name : new String[] {"summary.json", "report.html", "report_data/summary.json"}) {
        Files.createDirectories(out.resolve(name).getParent());
        Files.writeString(out.resolve(name), "{}");
      }
    }
    try (RunLock lock = outputs(out).claim("plan", "now", "hash", false)) {
      assertTrue(Files.exists(out.resolve("summary.json")));
    }
    try (RunLock lock = outputs(out).claim("second", "now", "hash", true)) {
      assertFalse(Files.exists(out.resolve("summary.json")));
      assertFalse(Files.exists(out.resolve("report.html")));
      assertFalse(Files.exists(out.resolve("report_data")));
    }
    assertEquals(
        true, Files.readString(out.resolve(Outputs.MARKER)).contains("\"run_id\": \"second\""));
  }
}
