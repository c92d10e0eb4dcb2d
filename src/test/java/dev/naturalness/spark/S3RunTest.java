package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.NaturalnessJob;
import dev.naturalness.Processes;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 to S3 against a real S3-compatible server (S3Proxy, its own process on 127.0.0.1, in-memory
 * store), with the job in its own JVM as a user runs it.
 */
class S3RunTest {
  static final String ACCESS = "naturalness-test";
  static final String SECRET = "s3cr3t-Do-Not-Print-7f3a9c";
  static final String BUCKET = "corpus";
  static Processes.Running server;
  static String endpoint;
  static AmazonS3 s3;
  @TempDir static Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    Path jar = Path.of("target", "s3proxy", "s3proxy.jar");
    assertTrue(Files.isRegularFile(jar), "maven-dependency-plugin copies S3Proxy to " + jar);
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    endpoint = "http://127.0.0.1:" + port;
    Path properties = tmp.resolve("s3proxy.properties");
    Files.writeString(
        properties,
        String.join(
            "\n",
            "s3proxy.endpoint=" + endpoint,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS,
            "s3proxy.credential=" + SECRET,
            "jclouds.provider=transient",
            "jclouds.identity=" + ACCESS,
            "jclouds.credential=" + SECRET,
            ""));
    server =
        Processes.command(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-jar",
                jar.toString(),
                "--properties",
                properties.toString())
            .log(tmp.resolve("s3proxy.log"))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException e) {
        assertTrue(
            server.process().isAlive() && System.nanoTime() < deadline,
            "S3Proxy did not start: " + server.outputSoFar());
        Thread.sleep(200);
      }
    }
    s3 =
        AmazonS3ClientBuilder.standard()
            .withEndpointConfiguration(
                new AwsClientBuilder.EndpointConfiguration(endpoint, "us-east-1"))
            .withPathStyleAccessEnabled(true)
            .withCredentials(
                new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS, SECRET)))
            .build();
    s3.createBucket(BUCKET);
    Path corpus = Corpora.writeJsonLines(tmp, "corpus.jsonl", Corpora.small());
    s3.putObject(BUCKET, "in/corpus.jsonl", corpus.toFile());
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.process().destroy();
    }
  }

  record Run(int exit, String log) {}

  static Run job(String output, String... more) throws Exception {
    Processes.Outcome o =
        Processes.java(
                "2g",
                NaturalnessJob.class,
                "--set",
                "input.path=s3a://" + BUCKET + "/in/corpus.jsonl",
                "--set",
                "output.path=s3a://" + BUCKET + "/" + output,
                "--set",
                "student.path=" + DemoStudent.DIR,
                "--set",
                "spark.default-master=local[2]",
                "--set",
                "s3.endpoint=" + endpoint,
                "--set",
                "s3.region=us-east-1",
                "--set",
                "s3.path-style-access=true",
                "--set",
                "s3.access-key=" + ACCESS,
                "--set",
                "s3.secret-key=" + SECRET,
                "--set",
                "teachers.bootstrap-samples=100")
            .args(more)
            .run(Duration.ofMinutes(5));
    return new Run(o.exit(), o.output());
  }

  static List<String> keys(String prefix) {
    List<String> keys = new ArrayList<>();
    for (S3ObjectSummary o : s3.listObjects(BUCKET, prefix).getObjectSummaries()) {
      keys.add(o.getKey());
    }
    return keys;
  }

  @Test
  void theJobRunsFromS3ToS3WithS3ACommittersAndPrintsNoSecret() throws Exception {
    Run run = job("runs/a");
    assertEquals(0, run.exit(), run.log());
    List<String> keys = keys("runs/a/");
    for (String table : new String[] {"scores", "teachers", "selected"}) {
      assertTrue(
          keys.stream().anyMatch(k -> k.startsWith("runs/a/" + table + "/part-")),
          table + " in " + keys);
      // S3A's committers write _SUCCESS as a JSON manifest that names them.
      JsonNode success =
          new ObjectMapper()
              .readTree(s3.getObjectAsString(BUCKET, "runs/a/" + table + "/_SUCCESS"));
      assertEquals("magic", success.get("committer").asText(), table);
    }
    assertTrue(keys.contains("runs/a/report.html"), keys.toString());
    String summary = s3.getObjectAsString(BUCKET, "runs/a/summary.json");
    JsonNode counts = new ObjectMapper().readTree(summary).get("counts");
    assertEquals(10, counts.get("read").asInt());
    assertEquals(9, counts.get("scored").asInt());
    assertEquals(3, counts.get("selected").asInt());

    assertFalse(run.log().contains(SECRET), "the secret key is in the log");
    assertFalse(summary.contains(SECRET), "the secret key is in summary.json");
    assertTrue(summary.contains("\"secret-key\" : \"***\""), summary);
    assertFalse(
        s3.getObjectAsString(BUCKET, "runs/a/report.html").contains(SECRET),
        "the secret key is in report.html");
  }

  @Test
  void theNightlyScriptRunsForRealFromS3ToS3AndTheSecondNightReusesTheFirst() throws Exception {
    List<String> keys =
        List.of(
            "--set",
            "student.path=" + DemoStudent.DIR.toAbsolutePath(),
            "--set",
            "student.device=auto",
            "--set",
            "s3.endpoint=" + endpoint,
            "--set",
            "s3.region=us-east-1",
            "--set",
            "s3.path-style-access=true",
            "--set",
            "s3.access-key=" + ACCESS,
            "--set",
            "s3.secret-key=" + SECRET,
            "--set",
            "teachers.bootstrap-samples=100");
    for (String night : new String[] {"2026-11-26", "2026-11-27"}) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "submit/nightly-refresh.sh",
                  "--input",
                  "s3a://" + BUCKET + "/in/corpus.jsonl",
                  "--output-root",
                  "s3a://" + BUCKET + "/nightly",
                  "--run-id",
                  night));
      command.addAll(keys);
      Processes.Outcome o =
          new Processes.Command(command)
              .unsetEnv("SPARK_HOME")
              .env("NATURALNESS_MASTER", "local[2]")
              .env("NATURALNESS_CLASSPATH", System.getProperty("java.class.path"))
              .run(Duration.ofMinutes(5));
      String log = o.output();
      assertEquals(0, o.exit(), log);
      assertFalse(log.contains(SECRET), "the secret key is in the log");
      assertEquals(
          "s3a://" + BUCKET + "/nightly/runs/" + night + "\n",
          s3.getObjectAsString(BUCKET, "nightly/LATEST"));
    }
    JsonNode first =
        new ObjectMapper()
            .readTree(s3.getObjectAsString(BUCKET, "nightly/runs/2026-11-26/summary.json"))
            .get("counts");
    JsonNode second =
        new ObjectMapper()
            .readTree(s3.getObjectAsString(BUCKET, "nightly/runs/2026-11-27/summary.json"))
            .get("counts");
    assertEquals(9, first.get("scored_now").asInt());
    assertEquals(0, second.get("scored_now").asInt());
    assertEquals(9, second.get("reused").asInt());
    assertTrue(
        keys("nightly/cache/").stream().anyMatch(k -> k.endsWith("/_SUCCESS")),
        keys("nightly/cache/").toString());
  }

  @Test
  void aRunThatFailsMidwayLeavesNoSummaryAndTheNextRunReplacesWhatItLeft() throws Exception {
    Run failed = job("runs/b", "--set", "testing.fail-every-attempt=true");
    assertNotEquals(0, failed.exit(), failed.log());
    assertFalse(keys("runs/b/").contains("runs/b/summary.json"), "a failed run wrote summary.json");

    Run again = job("runs/b");
    assertEquals(0, again.exit(), again.log());
    List<String> keys = keys("runs/b/");
    assertTrue(keys.contains("runs/b/summary.json"), keys.toString());
    JsonNode counts =
        new ObjectMapper()
            .readTree(s3.getObjectAsString(BUCKET, "runs/b/summary.json"))
            .get("counts");
    assertEquals(10, counts.get("read").asInt());
  }
}
