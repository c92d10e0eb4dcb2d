package dev.naturalness.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * src/main/native/build-djl-jni.sh against a libtorch this machine has (Debian's libtorch 1.13 with
 * python3-torch): the JNI it builds loads in a JVM of its own with the variables it writes, and
 * that JVM scores the demo student as DJL's bundled libtorch does. Needs DJL's source
 * (src/main/native/fetch-djl-source.sh fetches it once; GitHub is out of reach from CI, so there
 * the test is skipped with that reason), cmake and a C++ compiler. The build (minutes) is kept in
 * target/djl-jni-test and redone when the script or the source changes.
 */
@Slow
class DjlJniBuildTest {
  private static final Path OUT = Path.of("target", "djl-jni-test");
  private static final Path SOURCE = Path.of("target", "djl-source");
  private static final String PYTHON = "/usr/bin/python3";

  @Test
  void aJniBuiltAgainstTheMachinesTorchScoresAsTheBundledOne() throws Exception {
    boolean ready =
        Files.isDirectory(SOURCE)
            && Files.list(SOURCE).anyMatch(p -> p.toString().endsWith(".tar.gz"))
            && Files.isExecutable(Path.of("/usr/bin/cmake"))
            && Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/cmake/Torch/TorchConfig.cmake"));
    Assumptions.assumeTrue(
        ready,
        "needs DJL's source in target/djl-source (src/main/native/fetch-djl-source.sh), cmake and"
            + " libtorch-dev");
    String stamp =
        Files.readString(Path.of("src/main/native/build-djl-jni.sh"))
            + Files.list(SOURCE).map(Path::toString).sorted().toList();
    Path stampFile = OUT.resolve("built-from.txt");
    if (!Files.exists(stampFile) || !Files.readString(stampFile).equals(stamp)) {
      Processes.Outcome built =
          new Processes.Command(
                  List.of(
                      "src/main/native/build-djl-jni.sh",
                      "--torch",
                      PYTHON,
                      "--out",
                      OUT.toString()))
              .run(Duration.ofMinutes(40));
      assertEquals(0, built.exit(), built.output());
      Files.writeString(stampFile, stamp);
    }
    Map<String, String> env = readEnv(OUT.resolve("djl-torch.env"));
    assertTrue(env.get("PYTORCH_VERSION").startsWith("1.13"), env.toString());
    assertTrue(
        Files.exists(
            OUT.resolve(
                "pytorch/"
                    + env.get("PYTORCH_VERSION")
                    + "-cpu-linux-x86_64/0.36.0-libdjl_torch.so")));

    JsonNode node = score("node", env);
    JsonNode bundled = score("bundled", Map.of());
    assertTrue(node.get("libtorch").asText().startsWith("1.13"), node.toString());
    assertTrue(bundled.get("libtorch").asText().startsWith("2.7.1"), bundled.toString());
    List<double[]> a = scores("node");
    List<double[]> b = scores("bundled");
    assertEquals(20, a.size());
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      for (int k = 0; k < 2; k++) {
        assertEquals(b.get(i)[k], a.get(i)[k], 1e-5, "row " + i + (k == 0 ? " LALP" : " GALP"));
      }
    }
  }

  /** The demo student on 20 demo responses, in a JVM of its own with the given environment. */
  private static JsonNode score(String name, Map<String, String> env) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Processes.Command command =
        new Processes.Command(
            List.of(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.naturalness.bench.GpuCheck",
                "--student",
                "src/main/resources/demo/student",
                "--corpus",
                "src/main/resources/demo/corpus.jsonl",
                "--rows",
                "20",
                "--device",
                "cpu",
                "--row-tokens",
                "512",
                "--scores",
                OUT.resolve("scores-" + name + ".jsonl").toString(),
                "--out",
                OUT.resolve("check-" + name + ".json").toString()));
    env.forEach(command::env);
    Processes.Outcome ran = command.run(Duration.ofMinutes(5));
    assertEquals(0, ran.exit(), ran.output());
    return new ObjectMapper().readTree(OUT.resolve("check-" + name + ".json").toFile());
  }

  private static List<double[]> scores(String name) throws Exception {
    List<double[]> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader in =
        Files.newBufferedReader(OUT.resolve("scores-" + name + ".jsonl"), StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode n = json.readTree(line);
        out.add(new double[] {n.get("lalp").asDouble(), n.get("galp").asDouble()});
      }
    }
    return out;
  }

  private static Map<String, String> readEnv(Path file) throws Exception {
    Map<String, String> env = new TreeMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }
}
