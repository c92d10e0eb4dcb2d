package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.DemoStudent;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo run as a user starts it (its own JVM, conf/local.conf): the progress line comes at the
 * configured pace, and report.html renders in headless Chromium with no console error. The run's
 * outputs stay in target/demo-run for the notebook check in .ci/run.
 */
@Slow
class DemoRunTest {
  static final Path OUT = Path.of("target", "demo-run");
  static final double INTERVAL = 2.0;
  static String log;

  @BeforeAll
  static void runTheDemo() throws Exception {
    Processes.Outcome o =
        Processes.java(
                "2g",
                NaturalnessJob.class,
                "--config",
                "conf/local.conf",
                "--set",
                "output.path=" + OUT,
                "--set",
                "student.path=" + DemoStudent.DIR,
                "--set",
                "progress.interval-seconds=" + INTERVAL,
                "--set",
                "spark.default-master=local[2]")
            .run(Duration.ofMinutes(10));
    log = o.output();
    assertEquals(0, o.exit(), log);
  }

  @Test
  void theProgressLineComesAtTheConfiguredPace() {
    Matcher m =
        Pattern.compile(
                "(?m)^(\\d\\d:\\d\\d:\\d\\d) INFO  ProgressReporter: progress: [\\d,]+/800 responses")
            .matcher(log);
    List<LocalTime> times = new ArrayList<>();
    while (m.find()) {
      times.add(LocalTime.parse(m.group(1)));
    }
    assertTrue(times.size() >= 3, "progress lines:\n" + log);
    for (int i = 1; i < times.size(); i++) {
      long gap = Duration.between(times.get(i - 1), times.get(i)).getSeconds();
      assertTrue(
          gap >= INTERVAL - 1 && gap <= INTERVAL + 1,
          "gap of " + gap + " s between progress lines:\n" + log);
    }
    assertTrue(log.contains("scoring done: 800/800 responses (100.0%)"), log);
    assertTrue(log.contains("Teacher leaderboard"), log);
  }

  @Test
  void theReportRendersInHeadlessChromiumWithTheLeaderboardAndChartsAndNoConsoleError()
      throws Exception {
    File chromium = new File("/usr/bin/chromium");
    if (System.getenv("NATURALNESS_REQUIRE_BROWSER") == null) {
      Assumptions.assumeTrue(
          chromium.canExecute(), "headless Chromium is not installed (.ci/run installs it)");
    }
    Path report = OUT.resolve("report.html").toAbsolutePath();
    assertTrue(Files.isRegularFile(report));
    String html = Files.readString(report);
    assertTrue(
        !html.contains("http://") && !html.contains("https://") && !html.contains("<script"),
        "self-contained");

    Path profile = Files.createTempDirectory("chromium");
    List<String> base =
        List.of(
            chromium.getPath(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + profile,
            "--virtual-time-budget=3000",
            "--window-size=1280,2600",
            "--enable-logging=stderr",
            "--v=0");
    String dom = chromium(base, "--dump-dom", report.toUri().toString());
    assertTrue(
        dom.contains("Teacher leaderboard") && dom.contains("concise-solver"),
        "leaderboard rendered");
    assertTrue(dom.split("<svg", -1).length - 1 >= 4, "interval and distribution charts rendered");
    Path screenshot = Path.of("target", "report.png").toAbsolutePath();
    String log = chromium(base, "--screenshot=" + screenshot, report.toUri().toString());
    assertTrue(Files.size(screenshot) > 10_000, "screenshot saved to " + screenshot);
    for (String line : log.split("\n")) {
      assertTrue(
          !line.contains(":CONSOLE")
              || !(line.contains("Uncaught") || line.toLowerCase(Locale.ROOT).contains("error")),
          line);
      assertTrue(!line.contains("net::ERR_"), "a resource failed to load: " + line);
    }
  }

  private static String chromium(List<String> base, String... more) throws Exception {
    Path home = Files.createTempDirectory("chromium-home");
    Processes.Outcome o =
        Processes.command(base.toArray(new String[0]))
            .args(more)
            .env("HOME", home.toString())
            .env("XDG_CONFIG_HOME", home.toString())
            .env("XDG_CACHE_HOME", home.toString())
            .run(Duration.ofMinutes(2));
    return o.stdout() + o.stderr();
  }
}
