package dev.naturalness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.naturalness.DemoStudent;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DJL runs offline. The check runs in a fresh JVM, because the engine starts (and would phone home
 * or download libtorch) only once per JVM, and other tests here have started it already.
 */
@Slow
class OfflineTest {

  @Test
  void theEngineStartsAndTheStudentLoadsWithoutTouchingTheNetwork() throws Exception {
    assertEquals(
        "true", System.getProperty("ai.djl.offline"), "tests must run with -Dai.djl.offline=true");
    Processes.Outcome o = Processes.java(null, Probe.class).run(Duration.ofMinutes(2));
    String out = o.output();
    assertEquals(0, o.exit(), out);
    assertTrue(out.contains("offline ok: libtorch 2.7.1"), out);
  }

  /** Traps every network attempt, then starts the engine and loads the demo student. */
  public static final class Probe {
    public static void main(String[] args) {
      List<URI> attempts = new ArrayList<>();
      // Every URL connection and plain socket consults the default proxy selector first.
      ProxySelector.setDefault(
          new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
              synchronized (attempts) {
                attempts.add(uri);
              }
              throw new IllegalStateException("network access attempted: " + uri);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
          });
      Engine engine = Engine.getEngine("PyTorch");
      try (Student student = Student.load(DemoStudent.DIR, Device.cpu())) {
        student.tokenizer().encode("warm up", true);
      }
      if (!attempts.isEmpty()) {
        System.out.println("network attempted: " + attempts);
        System.exit(1);
      }
      System.out.println("offline ok: libtorch " + engine.getVersion());
    }
  }
}
