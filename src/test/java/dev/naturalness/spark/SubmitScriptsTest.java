package dev.naturalness.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.naturalness.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each submit/ script's --dry-run prints the exact spark-submit command. */
class SubmitScriptsTest {
  @TempDir Path tmp;

  record Out(int exit, String stdout, String stderr) {}

  static Out script(Map<String, String> env, String... command) throws Exception {
    Processes.Command c = Processes.command(command).unsetEnv("SPARK_HOME");
    env.forEach(c::env);
    Processes.Outcome o = c.run(Duration.ofMinutes(1));
    return new Out(o.exit(), o.stdout(), o.stderr());
  }

  /** A cluster's spark-submit, as far as the scripts can tell. */
  Map<String, String> clusterSpark() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("spark/bin"));
    Path submit = Files.writeString(bin.resolve("spark-submit"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    return Map.of("SPARK_HOME", tmp.resolve("spark").toString());
  }

  static void assertHas(String command, String... parts) {
    for (String part : parts) {
      assertTrue(command.contains(part), "missing '" + part + "' in:\n" + command);
    }
  }

  @Test
  void theGpuScriptAsksForOneGpuPerExecutorAndTaskAndRunsDjlOffline() throws Exception {
    Out o =
        script(
            clusterSpark(),
            "submit/spark-submit-gpu.sh",
            "--dry-run",
            "--master",
            "k8s://https://kube:6443",
            "--set",
            "input.path=s3a://b/in",
            "--config",
            "my.conf");
    assertEquals(0, o.exit(), o.stderr());
    String root = Path.of("").toAbsolutePath().toString();
    assertTrue(
        o.stdout()
            .startsWith(
                tmp.resolve("spark/bin/spark-submit")
                    + " --master k8s://https://kube:6443 "
                    + "--class dev.naturalness.NaturalnessJob "),
        o.stdout());
    assertHas(
        o.stdout(),
        "--conf spark.executor.resource.gpu.amount=1",
        "--conf spark.task.resource.gpu.amount=1",
        "--conf spark.executor.resource.gpu.discoveryScript=./gpu-discovery.sh",
        "--files " + root + "/submit/gpu-discovery.sh",
        "--conf spark.executor.extraJavaOptions=-Djdk.reflect.useDirectMethodHandle=false\\ -Dai.djl.offline=true",
        "--conf spark.driver.extraJavaOptions=-Djdk.reflect.useDirectMethodHandle=false\\ -Dai.djl.offline=true",
        "--conf spark.executorEnv.MALLOC_ARENA_MAX=1",
        "--conf spark.executorEnv.MALLOC_MMAP_MAX_=0",
        "--conf spark.executorEnv.DJL_OFFLINE=true",
        "--conf spark.executorEnv.PYTORCH_LIBRARY_PATH=/opt/libtorch/lib",
        "--conf spark.executorEnv.PYTORCH_FLAVOR=cu128",
        root
            + "/target/naturalness-cluster.jar --config "
            + root
            + "/conf/cluster-gpu.conf --set input.path=s3a://b/in --config my.conf");
    assertTrue(
        o.stdout().endsWith("\n")
            && o.stdout().lines().filter(l -> !l.startsWith("# ")).count() == 1,
        "one command, then what the job reads from --set as comments:\n" + o.stdout());
  }

  @Test
  void theLocalScriptRunsOnAllCoresWithTheDemoConfigFirst() throws Exception {
    Out o = script(Map.of(), "submit/local.sh", "--dry-run", "--set", "select.top-k=2");
    assertEquals(0, o.exit(), o.stderr());
    assertHas(
        o.stdout(),
        "org.apache.spark.deploy.SparkSubmit --master local\\[\\*\\] --class dev.naturalness.NaturalnessJob",
        "-Dai.djl.offline=true",
        "target/naturalness.jar --config "
            + Path.of("").toAbsolutePath()
            + "/conf/local.conf --set select.top-k=2");
  }

  @Test
  void theNightlyScriptWritesADatedRunUnderTheRootAndKeepsTheCacheBesideIt() throws Exception {
    Out o =
        script(
            clusterSpark(),
            "submit/nightly-refresh.sh",
            "--dry-run",
            "--input",
            "s3a://lake/corpus/",
            "--output-root",
            "s3a://lake/naturalness/",
            "--set",
            "student.path=/models/student");
    assertEquals(0, o.exit(), o.stderr());
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    assertHas(
        o.stdout(),
        "--conf spark.executor.resource.gpu.amount=1",
        "/conf/cluster-gpu.conf --config ",
        "conf/nightly-s3.conf --set input.path=s3a://lake/corpus/ --set output.path=s3a://lake/naturalness/runs/"
            + today
            + "/",
        " --set incremental.cache=s3a://lake/naturalness/cache --set output.publish-pointer=s3a://lake/naturalness/LATEST"
            + " --set student.path=/models/student");
    Out usage = script(Map.of(), "submit/nightly-refresh.sh", "--dry-run");
    assertEquals(2, usage.exit());
    assertTrue(usage.stderr().startsWith("usage: "), usage.stderr());
  }

  @Test
  void s3KeysGivenToAScriptTravelInTheEnvironmentAndArePrintedAsStars() throws Exception {
    for (String[] command :
        new String[][] {
          {"submit/local.sh", "--dry-run"},
          {"submit/spark-submit.sh", "--dry-run", "--master", "yarn"},
          {"submit/spark-submit-gpu.sh", "--dry-run", "--master", "yarn"},
        }) {
      String[] args = Arrays.copyOf(command, command.length + 6);
      System.arraycopy(
          new String[] {
            "--set",
            "s3.access-key=AKIA-hidden",
            "--set",
            "s3.secret-key=hunter2#x",
            "--set",
            "spark.hadoop.fs.s3a.secret.key=hunter3"
          },
          0,
          args,
          command.length,
          6);
      // The job's own --print-settings runs too (from this build's classes): it masks them as well.
      Map<String, String> env =
          new HashMap<>(command[0].contains("local") ? Map.of() : clusterSpark());
      env.put("NATURALNESS_CLASSPATH", System.getProperty("java.class.path"));
      Out o = script(env, args);
      assertEquals(0, o.exit(), o.stderr());
      for (String secret : new String[] {"AKIA-hidden", "hunter2", "hunter3"}) {
        assertTrue(!o.stdout().contains(secret), command[0] + " printed a key:\n" + o.stdout());
      }
      assertTrue(
          o.stdout().startsWith("NATURALNESS_S3_ACCESS_KEY=*** NATURALNESS_S3_SECRET_KEY=*** "),
          o.stdout());
      assertTrue(!o.stdout().contains("s3.secret-key"), "the key is not on the command line");
      assertTrue(o.stdout().contains("spark.hadoop.fs.s3a.secret.key=\\*\\*\\*"), o.stdout());
      assertTrue(
          o.stdout().contains("# naturalness.spark.hadoop.fs.s3a.secret.key = ***"), o.stdout());
    }
  }

  @Test
  void aKeyWrittenWithSpacesOrQuotesIsTakenOutOfTheCommandLineToo() throws Exception {
    for (String spelling :
        new String[] {
          "s3.secret-key = spaced-secret",
          " naturalness.s3.secret-key=spaced-secret ",
          "s3.secret-key=\"spaced-secret\"",
          "s3.secret-key =\"spaced-secret\""
        }) {
      Out o =
          script(
              Map.of("NATURALNESS_CLASSPATH", System.getProperty("java.class.path")),
              "submit/local.sh",
              "--dry-run",
              "--set",
              spelling,
              "--set",
              "input.path=/data/in");
      assertEquals(0, o.exit(), o.stderr());
      assertTrue(
          !(o.stdout() + o.stderr()).contains("spaced-secret"),
          "'" + spelling + "' was printed:\n" + o.stdout() + o.stderr());
      assertTrue(o.stdout().contains("NATURALNESS_S3_SECRET_KEY=*** "), o.stdout());
      assertTrue(o.stdout().contains("# naturalness.input.path = \"/data/in\"\n"), o.stdout());
    }
    Out escaped =
        script(Map.of(), "submit/local.sh", "--dry-run", "--set", "s3.secret-key=\"a\\\"b\"");
    assertEquals(2, escaped.exit(), escaped.stdout());
    assertEquals(
        "naturalness: --set s3.secret-key: a quoted key with escapes cannot be passed on safely;"
            + " set NATURALNESS_S3_SECRET_KEY in the environment instead\n",
        escaped.stderr());
  }

  @Test
  void theDryRunShowsTheValueTheJobReadsFromAQuotedSet() throws Exception {
    Out o =
        script(
            Map.of("NATURALNESS_CLASSPATH", System.getProperty("java.class.path")),
            "submit/spark-submit.sh",
            "--dry-run",
            "--master",
            "local[2]",
            "--set",
            "input.response-template=\"<think>\\n{reasoning}\\n</think>\\n\\n{answer}\"",
            "--set",
            "input.columns.response=[reasoning, answer]");
    assertEquals(0, o.exit(), o.stderr());
    assertTrue(
        o.stdout()
            .contains(
                "# naturalness.input.response-template = "
                    + "\"<think>\\n{reasoning}\\n</think>\\n\\n{answer}\"\n"),
        o.stdout());
    assertTrue(
        o.stdout().contains("# naturalness.input.columns.response = [\"reasoning\",\"answer\"]\n"),
        o.stdout());
  }

  /** submit/spark-submit.sh --dry-run on YARN in cluster deploy mode, with these job arguments. */
  static Out clusterModeDryRun(Map<String, String> env, String... job) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "submit/spark-submit.sh",
                "--dry-run",
                "--master",
                "yarn",
                "--deploy-mode",
                "cluster"));
    command.addAll(List.of(job));
    return script(env, command.toArray(new String[0]));
  }

  @Test
  void inClusterDeployModeConfigFilesTravelAndAPathOfThisMachineIsRefusedBeforeSubmitting()
      throws Exception {
    Map<String, String> env = new HashMap<>(clusterSpark());
    env.put("NATURALNESS_CLASSPATH", System.getProperty("java.class.path"));
    Path conf = Files.writeString(tmp.resolve("night.conf"), "naturalness.select.top-k = 2\n");
    String in = "input.path=hdfs://nn:8020/in";
    String out = "output.path=hdfs://nn:8020/out";
    Out ok =
        clusterModeDryRun(
            env,
            "--config",
            conf.toString(),
            "--set",
            in,
            "--set",
            out,
            "--set",
            "student.path=hdfs://nn:8020/students/s");
    assertEquals(0, ok.exit(), ok.stderr());
    assertHas(
        ok.stdout(),
        "--deploy-mode cluster",
        "--files " + conf,
        "--conf spark.yarn.maxAppAttempts=1",
        "--conf spark.yarn.appMasterEnv.DJL_OFFLINE=true",
        "--conf spark.executor.memoryOverhead=2g",
        "--driver-memory 4g --conf spark.driver.memoryOverhead=2g",
        " --config night.conf --set input.path=hdfs://nn:8020/in");

    // A file: path is one every node has (an image's or a shared mount's): not refused.
    Out image =
        clusterModeDryRun(
            env, "--set", in, "--set", out, "--set", "student.path=file:/opt/models/student");
    assertEquals(0, image.exit(), image.stderr());

    Out local =
        clusterModeDryRun(env, "--set", in, "--set", out, "--set", "student.path=models/student");
    assertEquals(2, local.exit(), local.stdout());
    assertEquals("", local.stdout(), "nothing submitted, nothing printed as a command");
    assertEquals(
        "naturalness: student.path "
            + Path.of("models/student").toAbsolutePath()
            + " is a path of this machine; in cluster deploy mode the driver runs on a cluster"
            + " node and cannot read it: use hdfs://, s3a:// or a path every node has under file:,"
            + " or --deploy-mode client\n",
        local.stderr());

    Map<String, String> keys = new HashMap<>(env);
    keys.put("NATURALNESS_S3_SECRET_KEY", "hunter2");
    keys.put("NATURALNESS_S3_ACCESS_KEY", "AKIA");
    Out secret = clusterModeDryRun(keys, "--set", "input.path=s3a://b/in");
    assertEquals(2, secret.exit());
    assertTrue(secret.stderr().startsWith("naturalness: S3 keys from this machine's environment"));
    assertTrue(!(secret.stdout() + secret.stderr()).contains("hunter2"));
  }

  @Test
  void onYarnTheGpuScriptAsksForGpusAndGivesTheDriverTheSameLibtorch() throws Exception {
    Map<String, String> env = new HashMap<>(clusterSpark());
    env.put("NATURALNESS_CLASSPATH", System.getProperty("java.class.path"));
    env.put("PYTORCH_LIBRARY_PATH", "/opt/torch/lib");
    Out o =
        script(
            env,
            "submit/spark-submit-gpu.sh",
            "--dry-run",
            "--master",
            "yarn",
            "--deploy-mode",
            "cluster",
            "--set",
            "input.path=s3a://b/in",
            "--set",
            "output.path=s3a://b/out",
            "--set",
            "student.path=s3a://b/student");
    assertEquals(0, o.exit(), o.stderr());
    String root = Path.of("").toAbsolutePath().toString();
    assertHas(
        o.stdout(),
        "--master yarn",
        "--deploy-mode cluster",
        "--conf spark.executor.resource.gpu.amount=1",
        "--conf spark.task.resource.gpu.amount=1",
        "--conf spark.executor.resource.gpu.discoveryScript=./gpu-discovery.sh",
        "--conf spark.executorEnv.PYTORCH_LIBRARY_PATH=/opt/torch/lib",
        "--conf spark.yarn.appMasterEnv.PYTORCH_LIBRARY_PATH=/opt/torch/lib",
        "--conf spark.yarn.appMasterEnv.LD_LIBRARY_PATH=/opt/torch/lib",
        "--conf spark.executor.memoryOverhead=8g",
        // printf %q writes the comma escaped; the shell reads it as a comma.
        "--files " + root + "/submit/gpu-discovery.sh\\," + root + "/conf/cluster-gpu.conf",
        "naturalness-cluster.jar --config cluster-gpu.conf --set input.path=s3a://b/in");
  }
}
