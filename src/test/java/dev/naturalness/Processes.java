package dev.naturalness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.model.RuntimeEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Child processes for tests: a JVM running one of the project's classes with the runtime
 * environment every job JVM gets, or any command. Standard output and error are drained by threads
 * of their own while the process runs, so a child that writes a lot never blocks on a full pipe.
 */
public final class Processes {
  private Processes() {}

  /** What a finished process left. */
  public record Outcome(int exit, String stdout, String stderr) {
    /** Both streams, for assertion messages. */
    public String output() {
      return stdout + stderr;
    }
  }

  /** A command to run: its arguments, extra environment and working directory. */
  public static final class Command {
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> unset = new ArrayList<>();
    private Path log;

    public Command(List<String> args) {
      this.args.addAll(args);
    }

    public Command args(String... more) {
      args.addAll(List.of(more));
      return this;
    }

    public Command args(List<String> more) {
      args.addAll(more);
      return this;
    }

    public Command env(String name, String value) {
      env.put(name, value);
      return this;
    }

    public Command unsetEnv(String name) {
      unset.add(name);
      return this;
    }

    /** Also append everything the process writes to this file (for long runs one can watch). */
    public Command log(Path file) {
      this.log = file;
      return this;
    }

    public List<String> arguments() {
      return List.copyOf(args);
    }

    /** Runs to the end; fails the test if it takes longer than {@code limit}. */
    public Outcome run(Duration limit) throws IOException, InterruptedException {
      Running p = start();
      return p.await(limit);
    }

    public Running start() throws IOException {
      ProcessBuilder pb = new ProcessBuilder(args);
      unset.forEach(pb.environment()::remove);
      pb.environment().putAll(env);
      return new Running(pb.start(), log);
    }
  }

  /** A started process whose output is being collected. */
  public static final class Running {
    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outDrain;
    private final Thread errDrain;

    Running(Process process, Path log) throws IOException {
      this.process = process;
      OutputStream logFile =
          log == null
              ? null
              : Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      this.outDrain = drain(process.getInputStream(), out, logFile);
      this.errDrain = drain(process.getErrorStream(), err, logFile);
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream sink, OutputStream log) {
      Thread t =
          new Thread(
              () -> {
                byte[] buffer = new byte[8192];
                try {
                  for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    synchronized (sink) {
                      sink.write(buffer, 0, n);
                    }
                    if (log != null) {
                      synchronized (log) {
                        log.write(buffer, 0, n);
                        log.flush();
                      }
                    }
                  }
                } catch (IOException e) {
                  // the process ended and closed its end
                }
              },
              "drain");
      t.setDaemon(true);
      t.start();
      return t;
    }

    public Process process() {
      return process;
    }

    /** What it wrote so far, both streams. */
    public String outputSoFar() {
      synchronized (out) {
        synchronized (err) {
          return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        }
      }
    }

    /**
     * Waits until the output so far satisfies {@code condition}; false if the process ended or time
     * ran out first.
     */
    public boolean awaitOutput(Predicate<String> condition, Duration limit)
        throws InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      while (System.nanoTime() < deadline) {
        if (condition.test(outputSoFar())) {
          return true;
        }
        if (!process.isAlive()) {
          return condition.test(outputSoFar());
        }
        Thread.sleep(100);
      }
      return false;
    }

    /** SIGKILL, and waits for it to be gone. */
    public void kill() throws InterruptedException {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    public Outcome await(Duration limit) throws InterruptedException {
      boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        kill();
      }
      outDrain.join(10_000);
      errDrain.join(10_000);
      Outcome o;
      synchronized (out) {
        synchronized (err) {
          o =
              new Outcome(
                  ended ? process.exitValue() : -1,
                  out.toString(StandardCharsets.UTF_8),
                  err.toString(StandardCharsets.UTF_8));
        }
      }
      assertTrue(ended, "timed out after " + limit + ":\n" + o.output());
      return o;
    }
  }

  /** The job in a JVM of its own, with the given heap and arguments. */
  public static Command job(String heap, JobArgs args) {
    return java(heap, NaturalnessJob.class, args.toArray());
  }

  /** Any command. */
  public static Command command(String... args) {
    return new Command(List.of(args));
  }

  /**
   * A JVM running {@code mainClass} on this test JVM's classpath, with the JVM options and the
   * process environment of {@link RuntimeEnvironment} (as the scripts give the job) and a heap of
   * {@code heap}.
   */
  public static Command java(String heap, Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (heap != null) {
      command.add("-Xmx" + heap);
    }
    command.addAll(RuntimeEnvironment.jvmOptions());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(List.of(args));
    Command c = new Command(command);
    RuntimeEnvironment.environment().forEach(c::env);
    c.env("SPARK_LOCAL_IP", "127.0.0.1");
    return c;
  }
}
