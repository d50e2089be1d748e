package dev.longscan.spark.bench;

import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.spark.Chunk;
import dev.longscan.spark.ChunkResult;
import dev.longscan.spark.LongscanConf;
import dev.longscan.spark.LongscanKryoRegistrator;
import dev.longscan.spark.Scans;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * The Spark GPU entry point (a program): one long series of {@code elements} float32 steps, in
 * chunks held in executor memory, scanned by {@link Scans#scanChunks} with the CPU backend and
 * with the GPU backend, in local mode; prints timings of both, two parallel in-memory passes over
 * the same chunks (CPU yardsticks: one that only reads a and b, and one that also writes an
 * output array per chunk, the least any scan's results cost), the largest GPU-vs-CPU difference,
 * and a check of sampled chunks against the sequential float64 reference.
 *
 * <pre>
 * bash ../shared/gpu/bundle.sh -m spark --full-jre
 * bash .gpu-bundle/part-N/run.sh --main dev.longscan.spark.bench.SparkGpuBench \
 *     [elements=1073741824] [chunk=4194304] [master=local[16]] [partitions=64] [repeat=3] \
 *     [backends=cpu,gpu]
 * </pre>
 * A backend written {@code cpu+rescan} (or {@code gpu+rescan}) runs with
 * {@code spark.longscan.keepStates=false}: phase 3 rescans every chunk instead of settling the
 * states phase 1 kept. With {@code -Dcached=false} the chunks are not cached but generated
 * whenever they are read, and the yardsticks are left out.
 * Each timing is the best of {@code repeat}: "phases 1+2" is {@code scanChunks} (phase 1 job,
 * carries on the driver), "phase 3" an action that rescans every chunk and reads its last
 * state. With two GPUs, local-mode tasks alternate between devices (partition % devices).
 */
public final class SparkGpuBench {
  private SparkGpuBench() {}

  static Chunk chunk(long k, long elements, int chunk, long seed) {
    int n = (int) Math.min(chunk, elements - k * chunk);
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + k);
    float[] a = new float[n];
    float[] b = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (0.5 + 0.4999 * r.nextDouble());
      b[i] = (float) (2 * r.nextDouble() - 1);
    }
    return Chunk.of(k, a, b);
  }

  private static String ratio(double bound, double t) {
    return Double.isNaN(bound) ? "" : String.format(Locale.ROOT, "%.2f", bound / t);
  }

  /** Best of {@code repeat}: every chunk's bytes to the GPU and back, all tasks at once. */
  private static double bareCopy(JavaRDD<Chunk> data, int repeat, boolean fromJava) {
    double best = Double.MAX_VALUE;
    for (int r = 0; r < repeat + 1; r++) {   // one more: the first run allocates the buffers
      long s = System.nanoTime();
      data.mapPartitionsWithIndex((i, it) -> {
        long sum = 0;
        while (it.hasNext()) {
          float[] h = BareCopy.roundTrip(i, it.next(), fromJava);
          sum += h == null ? 0 : h.length;
        }
        return List.of(sum).iterator();
      }, false).collect();
      if (r > 0) {
        best = Math.min(best, (System.nanoTime() - s) / 1e9);
      }
    }
    return best;
  }

  public static void main(String[] args) {
    long elements = args.length > 0 ? Long.parseLong(args[0]) : 1L << 30;
    int chunk = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 22;
    String master = args.length > 2 ? args[2] : "local[16]";
    int partitions = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    int repeat = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    String[] backends = (args.length > 5 ? args[5] : "cpu,gpu").split(",");

    SparkConf conf = new SparkConf().setMaster(master).setAppName("longscan gpu bench")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .set("spark.kryo.registrator", LongscanKryoRegistrator.class.getName());
    JavaSparkContext jsc = new JavaSparkContext(conf);
    jsc.setLogLevel("WARN");
    long chunks = (elements + chunk - 1) / chunk;
    System.out.printf(Locale.ROOT, "# %s, %d task slots, %,d float32 steps in %,d chunks of %,d,"
        + " %d partitions, best of %d; JVM max heap %d GiB%n", master, jsc.defaultParallelism(),
        elements, chunks, chunk, partitions, repeat, Runtime.getRuntime().maxMemory() >> 30);
    System.out.println("# backends on the class path: " + Backends.names());

    List<Long> ids = new ArrayList<>();
    for (long k = 0; k < chunks; k++) {
      ids.add(k);
    }
    long n = elements;
    int cs = chunk;
    long t0 = System.nanoTime();
    // -Dcached=false: the chunks are generated whenever they are read (an input that is not
    // cached); the yardsticks, which compare with data in memory, are then left out
    boolean cached = !"false".equals(System.getProperty("cached"));
    JavaRDD<Chunk> data = jsc.parallelize(ids, partitions).map(k -> chunk(k, n, cs, 3));
    if (cached) {
      data = data.persist(StorageLevel.MEMORY_ONLY());
    }
    data.count();
    System.out.printf(Locale.ROOT, "# generated%s in %.1f s%n", cached ? " and cached" : "",
        (System.nanoTime() - t0) / 1e9);
    int yard = cached ? repeat : 0;

    // the CPU bound: a parallel pass that reads every a and b once
    double pass = Double.MAX_VALUE;
    for (int r = 0; r < yard; r++) {
      long s = System.nanoTime();
      data.map(c -> {
        float[] a = c.a().floatArray();
        float[] b = c.b().floatArray();
        // four independent sums, so the loop is bound by memory, not by one add chain
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < a.length; i += 4) {
          s0 += a[i] + b[i];
          s1 += a[i + 1] + b[i + 1];
          s2 += a[i + 2] + b[i + 2];
          s3 += a[i + 3] + b[i + 3];
        }
        for (; i < a.length; i++) {
          s0 += a[i] + b[i];
        }
        return (double) (s0 + s1 + s2 + s3);
      }).reduce(Double::sum);
      pass = Math.min(pass, (System.nanoTime() - s) / 1e9);
    }
    // the least a scan's output costs in one pass: read every a and b once and write h = a + b
    // into a new array per chunk (as the scan's results are), keeping the last value
    double passOut = Double.MAX_VALUE;
    for (int r = 0; r < yard; r++) {
      long s = System.nanoTime();
      data.map(c -> {
        float[] a = c.a().floatArray();
        float[] b = c.b().floatArray();
        float[] h = new float[a.length];
        for (int i = 0; i < a.length; i++) {
          h[i] = a[i] + b[i];
        }
        return (double) h[h.length - 1];
      }).reduce(Double::sum);
      passOut = Math.min(passOut, (System.nanoTime() - s) / 1e9);
    }
    // the GPU bounds: the scan's bytes (a, b in; h out) moved by every task at once, nothing else
    boolean gpu = cached && List.of(backends).stream().anyMatch(x -> x.startsWith("gpu"));
    if (!cached) {
      pass = Double.NaN;
      passOut = Double.NaN;
    }
    double barePinned = Double.NaN;
    double bareJava = Double.NaN;
    if (gpu) {
      barePinned = bareCopy(data, repeat, false);
      bareJava = bareCopy(data, repeat, true);
    }
    System.out.printf(Locale.ROOT, "%n| what | phases 1+2 (s) | phase 3 (s) | total (s) |"
        + " G steps/s | ÷ in-memory pass | ÷ pass with output | ÷ bare pinned copy"
        + " | ÷ bare copy from Java arrays |%n|---|---|---|---|---|---|---|---|---|%n");
    if (cached) {
      System.out.printf(Locale.ROOT, "| parallel in-memory pass over a, b (CPU) | | | %.3f |"
          + " %.2f | 1.00 | | | |%n", pass, elements / pass / 1e9);
      System.out.printf(Locale.ROOT, "| parallel in-memory pass with output: h = a + b into new"
          + " arrays (CPU) | | | %.3f | %.2f | %.2f | 1.00 | | |%n", passOut,
          elements / passOut / 1e9, pass / passOut);
    }
    if (gpu) {
      System.out.printf(Locale.ROOT, "| bare copy: a, b host→device, h device→host, pinned"
          + " buffers, every task at once | | | %.3f | %.2f | | | 1.00 | |%n", barePinned,
          elements / barePinned / 1e9);
      System.out.printf(Locale.ROOT, "| bare copy as above, from the chunks' Java arrays into"
          + " pinned buffers and back into new arrays | | | %.3f | %.2f | | | %.2f | 1.00 |%n",
          bareJava, elements / bareJava / 1e9, barePinned / bareJava);
    }

    TreeSet<Long> sample = new TreeSet<>(List.of(0L, chunks / 3, chunks / 3 + 1, chunks - 1));
    if (chunks > 1) {
      sample.add(chunks - 2);
    }
    double[][] lastByBackend = new double[backends.length][];
    List<List<ChunkResult>> sampled = new ArrayList<>();
    for (int bi = 0; bi < backends.length; bi++) {
      // "cpu+rescan": the backend with spark.longscan.keepStates=false
      boolean rescan = backends[bi].endsWith("+rescan");
      jsc.sc().conf().set(LongscanConf.BACKEND, backends[bi].replace("+rescan", ""));
      jsc.sc().conf().set(LongscanConf.KEEP_STATES, Boolean.toString(!rescan));
      double best12 = Double.MAX_VALUE;
      double best3 = Double.MAX_VALUE;
      JavaRDD<ChunkResult> res = null;
      for (int r = 0; r < repeat; r++) {
        long s = System.nanoTime();
        res = Scans.scanChunks(data, 1, ScanOptions.defaults());
        long m = System.nanoTime();
        List<Double> last = res.map(c -> (double) c.h().get(c.steps() - 1, 0)).collect();
        long e = System.nanoTime();
        best12 = Math.min(best12, (m - s) / 1e9);
        best3 = Math.min(best3, (e - m) / 1e9);
        lastByBackend[bi] = last.stream().mapToDouble(Double::doubleValue).toArray();
        if (r + 1 < repeat) {
          Scans.releaseStates(res); // so that repeats do not pile kept states up
        }
      }
      double total = best12 + best3;
      System.out.printf(Locale.ROOT, "| longscan scanChunks, backend %s | %.3f | %.3f | %.3f |"
          + " %.2f | %s | %s | %s | %s |%n", backends[bi], best12, best3, total,
          elements / total / 1e9, ratio(pass, total), ratio(passOut, total),
          ratio(barePinned, total), ratio(bareJava, total));
      sampled.add(res.filter(c -> sample.contains(c.ordinal())).collect());
      Scans.releaseStates(res);
    }

    // agreement between backends (last state of every chunk) and with the reference
    for (int bi = 1; bi < backends.length; bi++) {
      double worst = 0;
      for (int k = 0; k < chunks; k++) {
        double x = lastByBackend[bi][k];
        double y = lastByBackend[0][k];
        worst = Math.max(worst, Math.abs(x - y) / (1 + Math.abs(y)));
      }
      System.out.printf(Locale.ROOT, "%n# max relative difference of every chunk's last state,"
          + " %s vs %s: %.2e%n", backends[bi], backends[0], worst);
    }
    for (int bi = 0; bi < backends.length; bi++) {
      double worst = 0;
      List<ChunkResult> got = sampled.get(bi);
      for (ChunkResult c : got) {
        long k = c.ordinal();
        if (k > 0 && !sample.contains(k - 1)) {
          continue;
        }
        double carry = 0;
        if (k > 0) {
          for (ChunkResult p : got) {
            if (p.ordinal() == k - 1) {
              carry = p.h().get(p.steps() - 1, 0);
            }
          }
        }
        Chunk in = chunk(k, elements, chunk, 3);
        Sequence ref = Sequence.allocate(Precision.FLOAT64, in.steps(), 1);
        Backends.reference().apply(Sequence.of(in.a().toDoubleArray()),
            Sequence.of(in.b().toDoubleArray()), new double[] {carry}, ScanOptions.defaults(),
            ref);
        for (int i = 0; i < in.steps(); i++) {
          double x = c.h().get(i, 0);
          double y = ref.get(i, 0);
          worst = Math.max(worst, Math.abs(x - y) / (1 + Math.abs(y)));
        }
      }
      System.out.printf(Locale.ROOT, "# %s: sampled chunks %s vs the float64 reference (each from"
          + " the state before it): max relative error %.2e%n", backends[bi], sample, worst);
    }
    jsc.stop();
  }
}
