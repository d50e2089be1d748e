package dev.longscan.spark.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import dev.longscan.spark.LongscanKryoRegistrator;
import dev.longscan.spark.ScanTransform;
import dev.longscan.spark.Scans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The Spark benchmark (a program, not a test): longscan's scan transform against an identity
 * pass over the same DataFrame, and against Spark's own running-window sum, in local mode.
 *
 * <pre>
 * java -Xmx12g $OPENS -cp $(test class path) dev.longscan.spark.bench.SparkBench \
 *     [rows=100000000] [keys=1000] [master=local[*]] [dir=/tmp/longscan-bench] [what=all]
 * </pre>
 * The input is written once as one Parquet file sorted by (key, t) (Spark reads a file's splits
 * back in order, so {@code presorted()} holds, and is checked), and every pass reads it (from the
 * page cache after the first). Each measurement is the best of {@code repeat} runs of
 * the whole action; results go to the no-op sink ({@code format("noop")}), which evaluates every
 * row and column without writing, or with {@code -Dsink=parquet} to Parquet files. Options:
 * {@code -Drepeat=N} (default 2), {@code -Dwarmup=true} (one untimed run first; the identity
 * pass and the two scans run in interleaved rounds),
 * {@code -Dinputs=single,keyed}. Prints one table row per measurement.
 */
public final class SparkBench {
  private SparkBench() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 100_000_000L;
    int keys = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    String master = args.length > 2 ? args[2] : "local[*]";
    Path dir = Paths.get(args.length > 3 ? args[3] : "/tmp/longscan-bench");
    String what = args.length > 4 ? args[4] : "all";
    int repeat = Integer.getInteger("repeat", 2);

    SparkSession spark = SparkSession.builder().master(master).appName("longscan bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", LongscanKryoRegistrator.class.getName())
        .config("spark.sql.shuffle.partitions", System.getProperty("shuffle.partitions", "16"))
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    System.out.printf(Locale.ROOT, "# Spark %s, %s, %d task slots, %s, %d cores, max heap %d MiB%n",
        spark.version(), master, spark.sparkContext().defaultParallelism(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

    Path keyed = dir.resolve("keyed-" + rows + "-" + keys);
    Path single = dir.resolve("single-" + rows);
    prepare(spark, keyed, rows, keys);
    prepare(spark, single, rows, 1);
    List<String[]> table = new ArrayList<>();

    String inputs = System.getProperty("inputs", "single,keyed");
    for (Path input : new Path[] {single, keyed}) {
      if (!inputs.contains(input == single ? "single" : "keyed")) {
        continue;
      }
      String label = input == single ? "1 key" : keys + " keys";
      Dataset<Row> df = spark.read().parquet(input.toString());
      int parts = df.rdd().getNumPartitions();
      if (what.equals("all") || what.equals("identity")) {
        // interleaved rounds (identity, cumsum, EMA, identity, ...), best of each: on a machine
        // whose speed drifts, the three are then measured under the same conditions
        double[] bests = bestInterleaved(repeat, List.of(
            () -> df.select(col("key"), col("t"), col("x"), col("x").multiply(1.0).as("y")),
            () -> df.transform(Scans.cumsum("x").key("key").orderBy("t").presorted()),
            () -> df.transform(Scans.emaHalfLife("x", 50.0).key("key").orderBy("t")
                .presorted())));
        double identity = bests[0];
        double scan = bests[1];
        double ema = bests[2];
        table.add(row(label, parts, "identity pass (read key, t, x; write y)", identity, 1.0));
        table.add(row(label, parts, "longscan cumsum, presorted", scan, scan / identity));
        table.add(row(label, parts, "longscan emaHalfLife, presorted", ema, ema / identity));
      }
      if (what.equals("all") || what.equals("window")) {
        WindowSpec w = Window.partitionBy("key").orderBy("t")
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        double window = best(repeat, () -> df.withColumn("cumsum", sum(col("x")).over(w)));
        ScanTransform cs = Scans.cumsum("x").key("key").orderBy("t");
        double sorted = best(repeat, () -> df.transform(cs));
        double presorted = best(repeat, () -> df.transform(cs.presorted()));
        table.add(row(label, parts, "Spark window sum(x) over (partition by key order by t)",
            window, 1.0));
        table.add(row(label, parts, "longscan cumsum, sorting", sorted, sorted / window));
        table.add(row(label, parts, "longscan cumsum, presorted", presorted,
            presorted / window));
      }
    }
    System.out.printf(Locale.ROOT, "%n| input (%,d rows) | partitions | what | best of %d (s) |"
        + " ratio |%n|---|---|---|---|---|%n", rows, repeat);
    System.out.println("<!-- sink: " + System.getProperty("sink", "noop") + " -->");
    for (String[] r : table) {
      System.out.println("| " + String.join(" | ", r) + " |");
    }
    spark.stop();
  }

  private static String[] row(String input, int parts, String what, double seconds,
      double ratio) {
    return new String[] {input, Integer.toString(parts), what,
        String.format(Locale.ROOT, "%.2f", seconds), String.format(Locale.ROOT, "%.2f", ratio)};
  }

  /**
   * Best wall time of the whole action (plan, jobs, evaluation into the sink: Spark's no-op
   * sink, or Parquet files with -Dsink=parquet), after one untimed warm-up run when
   * -Dwarmup=true.
   */
  private static double[] bestInterleaved(int repeat, List<Supplier<Dataset<Row>>> jobs) {
    double[] best = new double[jobs.size()];
    java.util.Arrays.fill(best, Double.MAX_VALUE);
    for (int r = Boolean.getBoolean("warmup") ? -1 : 0; r < repeat; r++) {
      for (int j = 0; j < jobs.size(); j++) {
        double t = timed(jobs.get(j));
        if (r >= 0) {
          best[j] = Math.min(best[j], t);
        }
      }
    }
    return best;
  }

  private static double timed(Supplier<Dataset<Row>> job) {
    long t0 = System.nanoTime();
    if (System.getProperty("sink", "noop").equals("parquet")) {
      job.get().write().mode("overwrite").parquet(System.getProperty("out",
          "/tmp/longscan-bench/out"));
    } else {
      job.get().write().format("noop").mode("overwrite").save();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double best(int repeat, Supplier<Dataset<Row>> job) {
    return bestInterleaved(repeat, List.of(job))[0];
  }


  /** rows rows of (key long, t long, x double) sorted by (key, t), as Parquet, once. */
  private static void prepare(SparkSession spark, Path path, long rows, int keys)
      throws Exception {
    if (Files.exists(path.resolve("_SUCCESS"))) {
      return;
    }
    long perKey = (rows + keys - 1) / keys;
    Column id = col("id");
    long t0 = System.nanoTime();
    spark.range(0, rows, 1, Math.max(1, spark.sparkContext().defaultParallelism() * 4))
        .select(id.divide(perKey).cast("long").as("key"),
            id.multiply(10).plus(pmod(xxhash64(id), lit(10L))).as("t"),
            pmod(xxhash64(id, lit(1L)), lit(2_000_000L)).divide(1_000_000.0).minus(1.0).as("x"))
        .coalesce(1) // one file: its splits are read back in order, so the input stays sorted
        .write().mode("overwrite").parquet(path.toString());
    System.out.printf(Locale.ROOT, "# wrote %s in %.1f s%n", path, (System.nanoTime() - t0) / 1e9);
  }
}
