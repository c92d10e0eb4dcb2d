package dev.naturalness;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.resourcemanager.rmnode.RMNode;

/**
 * A YARN cluster with HDFS on this machine, from Hadoop's own mini clusters (the Hadoop line Spark
 * 3.5 is built on): a NameNode and a DataNode, a ResourceManager and N NodeManagers that start each
 * container as a process of its own. It writes a Hadoop configuration directory (core-, hdfs- and
 * yarn-site.xml) for clients, says it is up in DIR/ready, and runs until its process is ended.
 * Started and stopped by {@code src/test/scripts/yarn-cluster.sh}.
 *
 * <pre>
 *   MiniHadoopCluster DIR [NODE_MANAGERS]
 * </pre>
 */
public final class MiniHadoopCluster {
  private MiniHadoopCluster() {}

  public static void main(String[] args) throws Exception {
    try {
      start(args);
    } catch (Throwable e) {
      // Hadoop's own threads would keep a half-started cluster's JVM alive: end it.
      e.printStackTrace();
      System.exit(1);
    }
    Thread.currentThread().join();
  }

  private static void start(String[] args) throws Exception {
    Path dir = Path.of(args[0]).toAbsolutePath();
    int nodeManagers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Files.createDirectories(dir);
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    // Anyone may write the job's staging and output directories of this test file system.
    conf.setBoolean("dfs.permissions.enabled", false);
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
    hdfs.waitActive();

    YarnConfiguration yarn = yarnConfiguration(hdfs);
    MiniYARNCluster cluster = new MiniYARNCluster("naturalness", nodeManagers, 1, 1);
    cluster.init(yarn);
    cluster.start();
    waitForNodeManagers(cluster, nodeManagers);

    writeClientConfiguration(dir.resolve("hadoop-conf"), hdfs, cluster.getConfig());
    Files.writeString(
        dir.resolve("ready"),
        "hdfs="
            + hdfs.getURI()
            + "\nresourcemanager="
            + cluster.getConfig().get(YarnConfiguration.RM_ADDRESS)
            + "\nwebapp="
            + cluster.getConfig().get(YarnConfiguration.RM_WEBAPP_ADDRESS)
            + "\nnodemanagers="
            + nodeWebapps(cluster)
            + "\nlogs="
            + logDirs(cluster, nodeManagers)
            + "\n",
        StandardCharsets.UTF_8);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  cluster.stop();
                  hdfs.shutdown();
                }));
  }

  /**
   * What a client of the cluster needs, as a cluster's /etc/hadoop/conf gives it: the default file
   * system and the ResourceManager's addresses (the cluster's own test settings stay with it).
   */
  private static void writeClientConfiguration(
      Path confDir, MiniDFSCluster hdfs, Configuration yarn) throws IOException {
    Files.createDirectories(confDir);
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", hdfs.getURI().toString());
    Configuration site = new Configuration(false);
    for (String key :
        new String[] {
          YarnConfiguration.RM_ADDRESS,
          YarnConfiguration.RM_SCHEDULER_ADDRESS,
          YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
          YarnConfiguration.RM_ADMIN_ADDRESS,
          YarnConfiguration.RM_WEBAPP_ADDRESS
        }) {
      site.set(key, yarn.get(key));
    }
    try (OutputStream out = new FileOutputStream(confDir.resolve("core-site.xml").toFile())) {
      core.writeXml(out);
    }
    try (OutputStream out = new FileOutputStream(confDir.resolve("yarn-site.xml").toFile())) {
      site.writeXml(out);
    }
  }

  private static YarnConfiguration yarnConfiguration(MiniDFSCluster hdfs) {
    YarnConfiguration yarn = new YarnConfiguration(hdfs.getConfiguration(0));
    yarn.set("fs.defaultFS", hdfs.getURI().toString());
    // One queue, first come first served: the capacity scheduler wants a queue file of its own.
    yarn.set(
        YarnConfiguration.RM_SCHEDULER,
        "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
    yarn.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    yarn.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 8192);
    // Memory a NodeManager offers (an accounting figure: the containers share this machine).
    yarn.setInt(YarnConfiguration.NM_PMEM_MB, 8192);
    yarn.setInt(YarnConfiguration.NM_VCORES, 2);
    // A JVM maps far more virtual memory than it uses: only physical memory is enforced.
    yarn.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    yarn.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, true);
    // Finished containers' files kept for the tests to read.
    yarn.setInt(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 3600);
    yarn.set(YarnConfiguration.NM_ENV_WHITELIST, "JAVA_HOME,PATH,HOME,LANG,TZ,SPARK_LOCAL_IP");
    yarn.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, false);
    // A NodeManager whose disk is over 90% used (by anything on this machine) takes no container,
    // and the tests would wait for it: the machine's disk is not what these tests test.
    yarn.setFloat(
        "yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", 100.0f);
    return yarn;
  }

  private static void waitForNodeManagers(MiniYARNCluster cluster, int n)
      throws InterruptedException, IOException {
    long until = System.currentTimeMillis() + 120_000;
    while (cluster.getResourceManager().getRMContext().getRMNodes().size() < n) {
      if (System.currentTimeMillis() > until) {
        throw new IOException("NodeManagers did not register within 120 s");
      }
      Thread.sleep(200);
    }
  }

  /** The NodeManagers' web addresses, as they registered (their ports are chosen when bound). */
  private static String nodeWebapps(MiniYARNCluster cluster) {
    StringBuilder out = new StringBuilder();
    for (RMNode node : cluster.getResourceManager().getRMContext().getRMNodes().values()) {
      out.append(out.length() == 0 ? "" : ",").append(node.getHttpAddress());
    }
    return out.toString();
  }

  /** Where the NodeManagers keep container logs (the mini cluster chooses, under ./target). */
  private static String logDirs(MiniYARNCluster cluster, int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append(i == 0 ? "" : ",")
          .append(cluster.getNodeManager(i).getConfig().get(YarnConfiguration.NM_LOG_DIRS));
    }
    return out.toString();
  }
}
