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

  /** Spark's master URLs: local[N], local[N,F], local-cluster[…], spark://, yarn, k8s://, …. */
  private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
      "local(\\[(\\*|[1-9][0-9]*)(,[0-9]+)?\\])?|local-cluster\\[[0-9]+, *[0-9]+, *[0-9]+\\]"
          + "|(spark|mesos|k8s)://.+|yarn");

  /**
   * Checks, before Spark starts, what can be checked on the driver: the master URL's form
   * (unless spark-submit gave one), and in local mode, where the executors are this JVM, that
   * the longscan backend can run here — so that {@code --backend=gpu} on a machine without a GPU
   * fails at once with the reason instead of inside every task.
   */
  static void check(String master, String backend) {
    SparkConf conf = new SparkConf();
    String m = conf.contains("spark.master") ? conf.get("spark.master") : master;
    if (!conf.contains("spark.master") && (m == null || !MASTER.matcher(m.trim()).matches())) {
      throw new UserError("expected --master local, local[N], local[*], spark://HOST:PORT, yarn"
          + " or k8s://URL, found '" + m + "'");
    }
    if (backend == null) {
      return;
    }
    String be = backend.trim().toLowerCase(java.util.Locale.ROOT);
    if (!be.matches("auto|cpu|gpu(:[0-9]+)?")) {
      throw new UserError("expected --backend auto, cpu, gpu or gpu:N, found '" + backend + "'");
    }
    if (be.startsWith("gpu") && m.trim().startsWith("local")) {
      // opens (and closes) a GPU backend in this JVM, where the tasks will run
      try (dev.longscan.Backend b = dev.longscan.Backends.select(be)) {
        b.name();
      } catch (dev.longscan.LongscanException | LinkageError e) {
        throw new UserError("--backend=" + backend + " cannot run here: " + e.getMessage()
            + "; use --backend=auto (the GPU where there is one, else the CPU) or cpu", e);
      }
    }
  }

  /** Starts (or joins) the session; call {@link #check} first. */
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
    try {
      return b.getOrCreate();
    } catch (RuntimeException e) {
      String why = UserError.explain(e);
      throw new UserError("could not start Spark (master " + conf.get("spark.master", master)
          + "): " + (why != null ? why : e.getMessage()), e);
    }
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
