package dev.naturalness.spark;

import com.holdenkarau.spark.testing.JavaDatasetSuiteBase;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.BeforeEach;

/**
 * One local[2] Spark session shared by every Spark test class in the JVM (spark-testing-base keeps
 * it; starting Spark costs tens of seconds here). JUnit 5 ignores the base's JUnit 4 hooks, so the
 * hook is called from {@code @BeforeEach}.
 */
public abstract class SparkTestBase extends JavaDatasetSuiteBase {

  @BeforeEach
  void startSpark() {
    runBefore();
  }

  @Override
  public boolean enableHiveSupport() {
    return false;
  }

  @Override
  public SparkConf conf() {
    return super.conf()
        .setMaster("local[2,2]") // two attempts per task: the fault-injection test needs a retry
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.ui.enabled", "false")
        .set("spark.sql.shuffle.partitions", "4")
        .set("spark.default.parallelism", "2");
  }
}
