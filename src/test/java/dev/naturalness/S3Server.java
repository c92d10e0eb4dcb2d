package dev.naturalness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server for tests: S3Proxy with its in-memory store, its own process on
 * 127.0.0.1 (in the test JVM it would clash with Spark's Guava), and a client for the tests.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS = "naturalness-test";
  public static final String SECRET = "s3cr3t-Do-Not-Print-7f3a9c";

  private final Processes.Running process;
  private final String endpoint;
  private final AmazonS3 client;

  private S3Server(Processes.Running process, String endpoint, AmazonS3 client) {
    this.process = process;
    this.endpoint = endpoint;
    this.client = client;
  }

  /** Starts a server whose working files go to {@code dir}. */
  public static S3Server start(Path dir) throws IOException, InterruptedException {
    Path jar = Path.of("target", "s3proxy", "s3proxy.jar");
    assertTrue(Files.isRegularFile(jar), "maven-dependency-plugin copies S3Proxy to " + jar);
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port;
    Files.createDirectories(dir);
    Path properties = dir.resolve("s3proxy.properties");
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
    Processes.Running process =
        Processes.command(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-jar",
                jar.toString(),
                "--properties",
                properties.toString())
            .log(dir.resolve("s3proxy.log"))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException e) {
        assertTrue(
            process.process().isAlive() && System.nanoTime() < deadline,
            "S3Proxy did not start: " + process.outputSoFar());
        Thread.sleep(200);
      }
    }
    AmazonS3 client =
        AmazonS3ClientBuilder.standard()
            .withEndpointConfiguration(
                new AwsClientBuilder.EndpointConfiguration(endpoint, "us-east-1"))
            .withPathStyleAccessEnabled(true)
            .withCredentials(
                new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS, SECRET)))
            .build();
    return new S3Server(process, endpoint, client);
  }

  public String endpoint() {
    return endpoint;
  }

  public AmazonS3 client() {
    return client;
  }

  /** The job's settings that reach this server. */
  public List<String> settings() {
    List<String> all = new ArrayList<>(settingsWithoutKeys());
    all.addAll(List.of("--set", "s3.access-key=" + ACCESS, "--set", "s3.secret-key=" + SECRET));
    return all;
  }

  /** The endpoint's settings; the keys come from elsewhere (the environment, a provider). */
  public List<String> settingsWithoutKeys() {
    return List.of(
        "--set",
        "s3.endpoint=" + endpoint,
        "--set",
        "s3.region=us-east-1",
        "--set",
        "s3.path-style-access=true");
  }

  /** Uploads every file of a local directory under {@code bucket/prefix/}. */
  public void upload(Path directory, String bucket, String prefix) throws IOException {
    try (var files = Files.list(directory)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        client.putObject(bucket, prefix + "/" + f.getFileName(), f.toFile());
      }
    }
  }

  public List<String> keys(String bucket, String prefix) {
    List<String> keys = new ArrayList<>();
    for (S3ObjectSummary o : client.listObjects(bucket, prefix).getObjectSummaries()) {
      keys.add(o.getKey());
    }
    return keys;
  }

  @Override
  public void close() {
    process.process().destroy();
  }
}
