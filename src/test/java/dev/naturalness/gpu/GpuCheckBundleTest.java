package dev.naturalness.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.Processes;
import dev.naturalness.Slow;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The GPU check's bundle as a GPU node gets it, run here on the CPU: the bundle is made by its
 * script and stays under 60 MB, and its one script, with the bundle's own Java runtime, exports a
 * tiny student, scores the long-trace corpus through the check's scorer, times the Python step on
 * the batches the scorer wrote, and prints the figures a GPU run prints. DJL's bundled CPU libtorch
 * stands in for the node's own (building the JNI is {@link DjlJniBuildTest}'s).
 */
@Slow
class GpuCheckBundleTest {
  private static final Path BUNDLE = Path.of("target", "gpu-check-bundle-test");
  private static final Path OUT = Path.of("target", "gpu-check-cpu");
  private static final String PYTHON = "/usr/bin/python3";

  @Test
  void theBundleRunsTheCheckOnTheCpu() throws Exception {
    requireTorch();
    Processes.Outcome made =
        new Processes.Command(List.of("submit/gpu-check-bundle.sh", "--out", BUNDLE.toString()))
            .run(Duration.ofMinutes(10));
    assertEquals(0, made.exit(), made.output());
    long bytes;
    try (Stream<Path> files = Files.walk(BUNDLE)) {
      bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    assertTrue(bytes <= 60_000_000L, "bundle of " + bytes + " bytes");
    for (String part :
        List.of(
            "runtime.tar.xz", "gpu-check.sh", "lib/naturalness.jar", "lib/tokenizers-0.36.0.jar")) {
      assertTrue(Files.exists(BUNDLE.resolve(part)), part);
    }
    try (Stream<Path> jars = Files.list(BUNDLE.resolve("lib"))) {
      assertTrue(
          jars.noneMatch(p -> p.getFileName().toString().matches("(spark|hadoop|scala).*")),
          "no Spark in the bundle");
    }

    String nativeJars =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(p -> p.contains("pytorch-jni") || p.contains("pytorch-native-cpu"))
            .collect(Collectors.joining(File.pathSeparator));
    Processes.Outcome ran =
        new Processes.Command(
                List.of(
                    BUNDLE.resolve("gpu-check.sh").toString(),
                    "--cpu",
                    "--libtorch",
                    "bundled",
                    "--java",
                    "bundled",
                    "--out",
                    OUT.toString()))
            .env("PYTHON", PYTHON)
            .env("NATURALNESS_GPU_CHECK_CLASSPATH", nativeJars)
            .run(Duration.ofMinutes(10));
    assertEquals(0, ran.exit(), ran.output());

    JsonNode result = new ObjectMapper().readTree(OUT.resolve("gpu-check.json").toFile());
    assertTrue(result.get("java").asText().contains("java-runtime"), "the bundle's own Java");
    JsonNode shape = result.get("shapes").get(0);
    assertEquals("tiny", shape.get("shape").asText());
    JsonNode java = shape.get("java");
    assertEquals(
        java.get("responses").asInt(), java.get("scored").asInt(), "every response scored");
    assertTrue(shape.get("tokens_per_second").asDouble() > 0);
    assertTrue(java.get("useful_tokens").asLong() > 10_000, java.toString());
    double outside = shape.get("share_outside_model").asDouble();
    assertTrue(outside >= 0 && outside < 1, "share outside the model " + outside);
    assertEquals(6, shape.get("python_step").get("batches").asInt());
    assertTrue(shape.get("python_step").get("batch_tokens_per_second").asDouble() > 0);
    JsonNode compared = shape.get("float32_vs_float32_cpu");
    assertEquals(12, compared.get("responses").asInt());
    assertTrue(compared.get("max_abs_lalp_difference").asDouble() < 1e-6, compared.toString());
    assertTrue(shape.get("flops_per_token").asDouble() > 0);
  }

  private static void requireTorch() throws Exception {
    boolean torch =
        Files.isExecutable(Path.of(PYTHON))
            && new Processes.Command(List.of(PYTHON, "-c", "import torch, numpy"))
                    .run(Duration.ofMinutes(1))
                    .exit()
                == 0;
    if (System.getenv("NATURALNESS_REQUIRE_TORCH") == null) {
      Assumptions.assumeTrue(torch, "needs /usr/bin/python3 with torch (Debian: python3-torch)");
    }
    assertTrue(torch, "NATURALNESS_REQUIRE_TORCH is set but /usr/bin/python3 cannot import torch");
  }
}
