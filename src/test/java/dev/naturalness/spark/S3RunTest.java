package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.naturalness.DemoStudent;
import dev.naturalness.JobArgs;
import dev.naturalness.Processes;
import dev.naturalness.S3Server;
import dev.naturalness.Slow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.alias.CredentialProvider;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 to S3 against a real S3-compatible server (S3Proxy, its own process on 127.0.0.1, in-memory
 * store), with the job in its own JVM as a user runs it.
 */
@Slow
class S3RunTest {
  static final String ACCESS = S3Server.ACCESS;
  static final String SECRET = S3Server.SECRET;
  static final String BUCKET = "corpus";
  static S3Server server;
  static AmazonS3 s3;
  @TempDir static Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3Server.start(tmp.resolve("s3"));
    s3 = server.client();
    s3.createBucket(BUCKET);
    Path corpus = Corpora.writeJsonLines(tmp, "corpus.jsonl", Corpora.small());
    s3.putObject(BUCKET, "in/corpus.jsonl", corpus.toFile());
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  record Run(int exit, String log) {}

  static Run job(String output, String... more) throws Exception {
    Processes.Outcome o =
        Processes.job(
                "2g",
                JobArgs.none()
                    .sets(
                        "input.path=s3a://" + BUCKET + "/in/corpus.jsonl",
                        "output.path=s3a://" + BUCKET + "/" + output,
                        "student.path=" + DemoStudent.DIR,
                        "spark.default-master=local[2]",
                        "teachers.bootstrap-samples=100"))
            .args(server.settings())
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
        new ArrayList<>(
            List.of(
                "--set",
                "student.path=" + DemoStudent.DIR.toAbsolutePath(),
                "--set",
                "student.device=auto",
                "--set",
                "teachers.bootstrap-samples=100"));
    keys.addAll(server.settings());
    List<String> runs = new ArrayList<>();
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
      String latest = s3.getObjectAsString(BUCKET, "nightly/LATEST");
      assertTrue(latest.startsWith("s3a://" + BUCKET + "/nightly/runs/" + night + "/"), latest);
      runs.add(latest.trim().substring(("s3a://" + BUCKET + "/").length()));
    }
    JsonNode first =
        new ObjectMapper()
            .readTree(s3.getObjectAsString(BUCKET, runs.get(0) + "/summary.json"))
            .get("counts");
    JsonNode second =
        new ObjectMapper()
            .readTree(s3.getObjectAsString(BUCKET, runs.get(1) + "/summary.json"))
            .get("counts");
    assertEquals(9, first.get("scored_now").asInt());
    assertEquals(0, second.get("scored_now").asInt());
    assertEquals(9, second.get("reused").asInt());
    assertTrue(
        keys("nightly/cache/").stream().anyMatch(k -> k.endsWith("/_SUCCESS")),
        keys("nightly/cache/").toString());
  }

  @Test
  void keysComeFromTheEnvironmentOrFromAHadoopCredentialProviderAndAreNeverPrinted()
      throws Exception {
    List<String> common =
        new ArrayList<>(
            List.of(
                "--set",
                "input.path=s3a://" + BUCKET + "/in/corpus.jsonl",
                "--set",
                "student.path=" + DemoStudent.DIR,
                "--set",
                "spark.default-master=local[2]",
                "--set",
                "teachers.bootstrap-samples=50"));
    common.addAll(server.settingsWithoutKeys());
    Processes.Outcome fromEnvironment =
        Processes.job("2g", JobArgs.none().sets("output.path=s3a://" + BUCKET + "/env"))
            .args(common)
            .env("NATURALNESS_S3_ACCESS_KEY", ACCESS)
            .env("NATURALNESS_S3_SECRET_KEY", SECRET)
            .run(Duration.ofMinutes(5));
    assertEquals(0, fromEnvironment.exit(), fromEnvironment.output());
    assertFalse(fromEnvironment.output().contains(SECRET));
    assertTrue(keys("env/").contains("env/summary.json"));

    // A jceks store holding fs.s3a.access.key and fs.s3a.secret.key, as `hadoop credential` makes.
    Path store = tmp.resolve("s3.jceks");
    String provider = "jceks://file" + store.toAbsolutePath();
    Configuration c = new Configuration();
    c.set("hadoop.security.credential.provider.path", provider);
    CredentialProvider p = CredentialProviderFactory.getProviders(c).get(0);
    p.createCredentialEntry("fs.s3a.access.key", ACCESS.toCharArray());
    p.createCredentialEntry("fs.s3a.secret.key", SECRET.toCharArray());
    p.flush();
    Processes.Outcome fromProvider =
        Processes.job(
                "2g",
                JobArgs.none()
                    .sets(
                        "output.path=s3a://" + BUCKET + "/provider",
                        "s3.credential-providers=" + provider))
            .args(common)
            .run(Duration.ofMinutes(5));
    assertEquals(0, fromProvider.exit(), fromProvider.output());
    assertTrue(keys("provider/").contains("provider/summary.json"));
    String summary = s3.getObjectAsString(BUCKET, "provider/summary.json");
    assertFalse(summary.contains(SECRET));
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
