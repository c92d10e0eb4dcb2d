package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An S3 endpoint that does not answer stops the job within the configured time, with one line
 * naming it.
 */
@Slow
class S3PreflightTimeoutTest {
  @TempDir Path tmp;

  Processes.Outcome run(String endpoint) throws Exception {
    return Processes.job(
            null,
            JobArgs.none()
                .sets(
                    "spark.default-master=no-such-master://x",
                    "input.path=s3a://corpus/in/corpus.jsonl",
                    "output.path=" + tmp.resolve("out"),
                    "student.path=" + DemoStudent.DIR,
                    "s3.endpoint=" + endpoint,
                    "s3.path-style-access=true",
                    "s3.access-key=k",
                    "s3.secret-key=s",
                    "s3.preflight-timeout-seconds=5"))
        .run(Duration.ofSeconds(90));
  }

  static void assertStopsNamingTheEndpoint(Processes.Outcome o, String endpoint, long started) {
    double seconds = (System.nanoTime() - started) / 1e9;
    assertEquals(NaturalnessJob.EXIT_CONFIG, o.exit(), o.output());
    assertEquals(1, o.stderr().lines().count(), o.stderr());
    assertTrue(o.stderr().startsWith("naturalness: ") && o.stderr().contains(endpoint), o.stderr());
    assertTrue(o.stderr().contains("s3.endpoint"), o.stderr());
    assertTrue(seconds < 45, "took " + seconds + " s");
  }

  @Test
  void anEndpointThatAcceptsButNeverAnswersStopsTheJobWithinItsTimeout() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread accept =
          new Thread(
              () -> {
                while (!silent.isClosed()) {
                  try {
                    held.add(silent.accept()); // never read, never answered
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      accept.setDaemon(true);
      accept.start();
      String endpoint = "http://127.0.0.1:" + silent.getLocalPort();
      long started = System.nanoTime();
      assertStopsNamingTheEndpoint(run(endpoint), endpoint, started);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void anEndpointThatRefusesConnectionsStopsTheJobWithinItsTimeout() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port;
    long started = System.nanoTime();
    assertStopsNamingTheEndpoint(run(endpoint), endpoint, started);
  }
}
