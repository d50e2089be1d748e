package dev.longscan.examples;

import dev.longscan.spark.LongscanKryoRegistrator;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The SparkSession of a job: the master given by spark-submit when there is one, else the one
 * asked for (local mode by default); Kryo with longscan's registrator.
 */
final class Sessions {
  private Sessions() {}

  static SparkSession start(String appName, String master, String backend) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (!conf.contains("spark.master")) {
      b.master(master)
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          // Spark's progress bar, when a person is watching
          .config("spark.ui.showConsoleProgress", Boolean.toString(System.console() != null));
    }
    if (!conf.contains("spark.serializer")) {
      b.config("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    }
    String reg = conf.get("spark.kryo.registrator", "");
    if (!reg.contains(LongscanKryoRegistrator.class.getName())) {
      b.config("spark.kryo.registrator", reg.isEmpty() ? LongscanKryoRegistrator.class.getName()
          : reg + "," + LongscanKryoRegistrator.class.getName());
    }
    if (backend != null) {
      b.config("spark.longscan.backend", backend);
    }
    return b.getOrCreate();
  }

  /**
   * Waits (up to a minute) until the executors the configuration asks for have registered —
   * {@code spark.cores.max / spark.executor.cores} on a standalone cluster, or
   * {@code spark.executor.instances} — so that the first timed job runs on all of them (after 60
   * s it says how many came and goes on); returns Spark's default parallelism then (the task slots,
   * unless spark.default.parallelism says otherwise). In local mode, with dynamic allocation, or when the configuration does
   * not say, returns at once.
   */
  static int awaitExecutors(SparkSession spark) {
    org.apache.spark.SparkContext sc = spark.sparkContext();
    SparkConf c = sc.getConf();
    int want = 0;
    if (c.getBoolean("spark.dynamicAllocation.enabled", false)) {
      want = 0;   // executors come and go with the load: nothing to wait for
    } else if (c.contains("spark.executor.instances")) {
      want = c.getInt("spark.executor.instances", 0);
    } else if (c.contains("spark.cores.max") && c.contains("spark.executor.cores")) {
      want = c.getInt("spark.cores.max", 0) / Math.max(1, c.getInt("spark.executor.cores", 1));
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!sc.isLocal() && want > 0 && System.nanoTime() < deadline
        && sc.statusTracker().getExecutorInfos().length - 1 < want) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    int have = sc.statusTracker().getExecutorInfos().length - 1;
    if (!sc.isLocal() && want > 0 && have < want) {
      System.err.printf("longscan: waited 60 s for %d executors, found %d; timing with those%n",
          want, have);
    }
    return sc.defaultParallelism();
  }
}
