package dev.naturalness.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.executor.ExecutorMetrics;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.status.api.v1.ExecutorSummary;
import scala.collection.JavaConverters;

/** The memory a run used, in MiB, for summary.json. */
final class Memory {
  private Memory() {}

  /**
   * The driver's heap limit and its peak resident memory (VmHWM, where /proc exists). In local mode
   * the executor is this JVM; its sampled heap peak is in {@link #executors}.
   */
  static Map<String, Long> driver() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("heap_max", Runtime.getRuntime().maxMemory() >> 20);
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          m.put("rss_peak", Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the heap limit alone
    }
    return m;
  }

  /**
   * The largest peak over all executors (the driver included) of the used JVM heap, garbage
   * included, and of the process's resident memory where Spark measures it
   * (spark.executor.processTreeMetrics.enabled): the metrics executors send with their heartbeats.
   */
  static Map<String, Long> executors(SparkSession spark) {
    long heap = 0;
    long rss = 0;
    long executors = 0;
    for (ExecutorSummary e :
        JavaConverters.seqAsJavaList(spark.sparkContext().statusStore().executorList(false))) {
      executors++;
      if (e.peakMemoryMetrics().isDefined()) {
        ExecutorMetrics metrics = e.peakMemoryMetrics().get();
        heap = Math.max(heap, metrics.getMetricValue("JVMHeapMemory"));
        rss = Math.max(rss, metrics.getMetricValue("ProcessTreeJVMRSSMemory"));
      }
    }
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("executors", executors);
    m.put("heap_peak", heap >> 20);
    if (rss > 0) {
      m.put("rss_peak", rss >> 20);
    }
    return m;
  }
}
