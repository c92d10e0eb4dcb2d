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
        root + "/target/naturalness-cluster.jar \n",
        "# the job's arguments, in its environment (NATURALNESS_JOB_ARGS), values as the job reads"
            + " them below: --config "
            + root
            + "/conf/cluster-gpu.conf --set input.path --config my.conf\n");
    assertTrue(
        o.stdout().endsWith("\n")
            && o.stdout().lines().filter(l -> !l.startsWith("# ")).count() == 1,
        "one command, then the job's arguments as comments:\n" + o.stdout());
  }

  @Test
  void theLocalScriptRunsOnAllCoresWithTheDemoConfigFirst() throws Exception {
    Out o = script(Map.of(), "submit/local.sh", "--dry-run", "--set", "select.top-k=2");
    assertEquals(0, o.exit(), o.stderr());
    assertHas(
        o.stdout(),
        "org.apache.spark.deploy.SparkSubmit --master local\\[\\*\\] --class dev.naturalness.NaturalnessJob",
        "-Dai.djl.offline=true",
        "target/naturalness.jar \n",
        "values as the job reads them below: --config "
            + Path.of("").toAbsolutePath()
            + "/conf/local.conf --set select.top-k\n");
  }

  @Test
  void theNightlyScriptWritesADatedRunUnderTheRootAndKeepsTheCacheBesideIt() throws Exception {
    Map<String, String> env = new HashMap<>(clusterSpark());
    env.put("NATURALNESS_CLASSPATH", System.getProperty("java.class.path"));
    Out o =
        script(
            env,
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
        "conf/nightly-s3.conf --set input.path --set output.path --set incremental.cache --set"
            + " output.publish-pointer --set student.path\n",
        "# naturalness.input.path = \"s3a://lake/corpus/\"\n",
        "# naturalness.output.path = \"s3a://lake/naturalness/runs/" + today + "/",
        "# naturalness.incremental.cache = \"s3a://lake/naturalness/cache\"\n",
        "# naturalness.output.publish-pointer = \"s3a://lake/naturalness/LATEST\"\n");
    Out usage = script(Map.of(), "submit/nightly-refresh.sh", "--dry-run");
    assertEquals(2, usage.exit());
    assertTrue(usage.stderr().startsWith("usage: "), usage.stderr());
  }

  /** An S3 key in every spelling the job accepts (and one it refuses), each with its own value. */
  static final String[][] SECRET_SPELLINGS = {
    {"--set", "s3.access-key=AKIA-plain"},
    {"--set", "s3.secret-key = spaced-secret"},
    {"--set", "s3={access-key=AKIA-section, secret-key=section-secret}"},
    {"--set", "s3.\"secret-key\"=quoted-path-secret"},
    {"--set", "\"s3.secret-key\"=quoted-key-secret"},
    {"--set=s3.secret-key=typo-secret"},
    {"--set", "s3.secret-key=\"a\\\"escaped-secret\""},
    {"--set", "spark.hadoop.fs.s3a.secret.key=hadoop-secret"},
  };

  static final List<String> SECRETS =
      List.of(
          "AKIA-plain",
          "spaced-secret",
          "AKIA-section",
          "section-secret",
          "quoted-path-secret",
          "quoted-key-secret",
          "typo-secret",
          "escaped-secret",
          "hadoop-secret");

  @Test
  void noKeyIsOnTheCommandLineAndTheDryRunMasksItHoweverItIsSpelled() throws Exception {
    for (String[] command :
        new String[][] {
          {"submit/local.sh", "--dry-run"},
          {"submit/spark-submit.sh", "--dry-run", "--master", "yarn"},
          {"submit/spark-submit-gpu.sh", "--dry-run", "--master", "yarn"},
        }) {
      List<String> args = new ArrayList<>(List.of(command));
      for (String[] spelling : SECRET_SPELLINGS) {
        args.addAll(List.of(spelling));
      }
      args.addAll(List.of("--set", "input.path=/data/in"));
      // The job's own --print-settings runs too (from this build's classes): it masks by key.
      Map<String, String> env =
          new HashMap<>(command[0].contains("local") ? Map.of() : clusterSpark());
      env.put("NATURALNESS_CLASSPATH", System.getProperty("java.class.path"));
      Out o = script(env, args.toArray(new String[0]));
      assertEquals(0, o.exit(), o.stderr());
      for (String secret : SECRETS) {
        assertTrue(
            !(o.stdout() + o.stderr()).contains(secret),
            command[0] + " printed " + secret + ":\n" + o.stdout() + o.stderr());
      }
      String commandLine = o.stdout().lines().filter(l -> !l.startsWith("# ")).findFirst().get();
      assertTrue(
          !commandLine.contains("s3"), "no job argument on the command line: " + commandLine);
      assertHas(
          o.stdout(),
          "# naturalness.s3.access-key = ***\n",
          "# naturalness.s3 = {\"access-key\":\"***\",\"secret-key\":\"***\"}\n",
          "# naturalness.spark.hadoop.fs.s3a.secret.key = ***\n",
          "# naturalness.input.path = \"/data/in\"\n");
    }
  }

  @Test
  void aMalformedArgumentsErrorNamesItsKeyNeverItsValue() throws Exception {
    Map<String, String> env =
        Map.of("NATURALNESS_CLASSPATH", System.getProperty("java.class.path"));
    for (String[] bad :
        new String[][] {
          {"--set", "s3.secret-key=[unclosed-secret"},
          {"--set", "just-a-secret-value"},
          {"--sett=s3.secret-key=unknown-argument-secret"},
        }) {
      List<String> args = new ArrayList<>(List.of("submit/local.sh", "--dry-run"));
      args.addAll(List.of(bad));
      Out o = script(env, args.toArray(new String[0]));
      String all = o.stdout() + o.stderr();
      for (String secret :
          List.of("unclosed-secret", "just-a-secret-value", "unknown-argument-secret")) {
        assertTrue(!all.contains(secret), "printed " + secret + ":\n" + all);
      }
      assertTrue(all.contains("naturalness: "), all);
    }
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

    // S3 keys from any source would travel in the clear: refused in one line, before submitting.
    Map<String, String> keys = new HashMap<>(env);
    keys.put("NATURALNESS_S3_SECRET_KEY", "hunter2");
    keys.put("NATURALNESS_S3_ACCESS_KEY", "AKIA");
    Path secretConf =
        Files.writeString(
            tmp.resolve("keys.conf"),
            "naturalness.s3.access-key = \"AKIA\"\nnaturalness.s3.secret-key = \"hunter2\"\n");
    String student = "student.path=hdfs://nn:8020/students/s";
    for (Out secret :
        List.of(
            clusterModeDryRun(keys, "--set", in, "--set", out, "--set", student),
            clusterModeDryRun(
                env,
                "--config",
                secretConf.toString(),
                "--set",
                in,
                "--set",
                out,
                "--set",
                student),
            clusterModeDryRun(
                env,
                "--set",
                "s3={access-key=AKIA, secret-key=hunter2}",
                "--set",
                in,
                "--set",
                out,
                "--set",
                student))) {
      assertEquals(2, secret.exit(), secret.stdout() + secret.stderr());
      assertEquals("", secret.stdout(), "nothing submitted");
      assertEquals(1, secret.stderr().lines().count(), secret.stderr());
      assertTrue(secret.stderr().startsWith("naturalness: S3 keys are set ("), secret.stderr());
      assertTrue(secret.stderr().contains("s3.credential-providers"), secret.stderr());
      assertTrue(!(secret.stdout() + secret.stderr()).contains("hunter2"));
    }
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
