package dev.longscan.bench;

import dev.longscan.Backend;
import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sequential vs parallel CPU scan, as elements/s and as a fraction of the memory-bandwidth
 * ceiling measured in the same run.
 *
 * <p>A forward scan must read a and b and write h: 3 × (4 or 8) bytes per element. The ceiling is
 * the time a parallel {@code System.arraycopy} (all cores, each a slice) needs to move that many
 * bytes, counting bytes read plus bytes written, measured on arrays of the same size. Also
 * printed: a parallel elementwise pass out = a + b over the same arrays (the same bytes and access
 * pattern as the scan, no dependency), for reference.
 *
 * <p>Also timed: the parallel backend on one thread ({@code Backends.cpu(1)}, the same kernels as
 * the parallel path), which separates what the second core brings from what the parallel path's
 * kernels bring over the sequential path's plain loop.
 *
 * <p>The five measurements of a row are interleaved: every run times each of them once, in turn,
 * so that a change in the shared machine's load or memory bandwidth during the row touches all of
 * them alike; each figure is the median over the runs, after the warm-ups.
 *
 * <p>The multipliers are random in [0.5, 0.99); a last row repeats float32 with one channel with
 * every multiplier 0.99, an EMA with alpha = 0.01, whose chunk summaries' running products
 * underflow, and another with a segment starting every 1000 steps (keyed series back to back);
 * and two running sums (every multiplier 1, float32 × 1 and float64 × 64), the worst case of the
 * guess-and-settle scan: no guessed chunk settles before its end.
 *
 * <p>Usage: {@code CpuScanBenchmark [--quick] [--runs N] [--warmups N]}. Prints a Markdown table.
 */
public final class CpuScanBenchmark {
  private CpuScanBenchmark() {}

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    int runs = 7;
    int warmups = 5;
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--runs")) {
        runs = Integer.parseInt(args[i + 1]);
      } else if (args[i].equals("--warmups")) {
        warmups = Integer.parseInt(args[i + 1]);
      }
    }
    int threads = Runtime.getRuntime().availableProcessors();
    System.out.printf(Locale.ROOT, "# CPU scan benchmark: %d cores, Java %s, %s; median of %d"
        + " interleaved runs after %d warm-ups%n%n", threads, System.getProperty("java.version"),
        System.getProperty("os.arch"), runs, warmups);
    System.out.println("| precision | steps × width | copy GB/s (r+w) | a+b pass G el/s"
        + " | sequential G el/s | parallel, 1 thread G el/s | parallel G el/s"
        + " | parallel ÷ sequential | parallel ÷ 1 thread | parallel ÷ copy ceiling |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    int longT = quick ? 10_000_000 : 100_000_000;
    int wideT = quick ? 100_000 : 1_000_000;
    for (Precision p : Precision.values()) {
      row(p, longT, 1, runs, warmups, threads);
    }
    for (Precision p : Precision.values()) {
      row(p, wideT, 64, runs, warmups, threads);
    }
    // an EMA with alpha = 0.01: every a is 0.99 (a summary's running product underflows)
    row(Precision.FLOAT32, longT, 1, runs, warmups, threads, 0.99, 0);
    // keyed series back to back: a segment starts every 1000 steps
    row(Precision.FLOAT32, longT, 1, runs, warmups, threads, Double.NaN, 1000);
    // a running sum (every a is 1): a guessed chunk never settles early, every rescan is whole
    row(Precision.FLOAT32, longT, 1, runs, warmups, threads, 1.0, 0);
    row(Precision.FLOAT64, wideT, 64, runs, warmups, threads, 1.0, 0);
  }

  private static void row(Precision p, int steps, int width, int runs, int warmups,
      int threads) throws Exception {
    row(p, steps, width, runs, warmups, threads, Double.NaN, 0);
  }

  /**
   * One row; {@code constantA}: every multiplier this value (NaN: random in [0.5, 0.99));
   * {@code segmentEvery}: a segment starts every that many steps (0: no segments).
   */
  private static void row(Precision p, int steps, int width, int runs, int warmups,
      int threads, double constantA, int segmentEvery) throws Exception {
    Sequence a = fill(p, steps, width, 1, true);
    if (!Double.isNaN(constantA)) {
      a.fill(constantA);
    }
    Sequence b = fill(p, steps, width, 2, false);
    Sequence out = Sequence.allocate(p, steps, width);
    long n = (long) steps * width;
    Backend seq = Backends.sequential();
    Backend one = Backends.cpu(1);
    Backend par = Backends.cpu();
    ScanOptions o = ScanOptions.defaults();
    if (segmentEvery > 0) {
      boolean[] starts = new boolean[steps];
      for (int t = 0; t < steps; t += segmentEvery) {
        starts[t] = true;
      }
      o = o.withSegmentStarts(starts);
    }
    ScanOptions opts = o;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      double[] t = interleaved(runs, warmups,
          () -> seq.scan(a, b, opts, out),
          () -> one.scan(a, b, opts, out),
          () -> par.scan(a, b, opts, out),
          // copy: src = a's array into out's array, in `threads` slices at once
          () -> parallel(pool, threads, n, (lo, hi) -> copy(a, out, lo, hi)),
          () -> parallel(pool, threads, n, (lo, hi) -> add(a, b, out, lo, hi)));
      double tSeq = t[0];
      double tOne = t[1];
      double tPar = t[2];
      double copyBytes = 2.0 * n * p.bytes();
      double copyBw = copyBytes / t[3];
      double scanBytes = 3.0 * n * p.bytes();
      double ceiling = scanBytes / copyBw;
      System.out.printf(Locale.ROOT,
          "| %s | %d × %d%s | %.1f | %.3f | %.3f | %.3f | %.3f | %.2f | %.2f | %.0f %% |%n",
          p, steps, width, (Double.isNaN(constantA) ? "" : ", a = " + constantA)
              + (segmentEvery > 0 ? ", a segment every " + segmentEvery : ""), copyBw / 1e9, n / t[4] / 1e9, n / tSeq / 1e9, n / tOne / 1e9,
          n / tPar / 1e9, tSeq / tPar, tOne / tPar, 100 * ceiling / tPar);
    } finally {
      pool.shutdown();
      one.close();
      par.close();
    }
  }

  interface Range {
    void run(long lo, long hi);
  }

  private static void parallel(ExecutorService pool, int threads, long n, Range body)
      throws Exception {
    List<Future<?>> fs = new ArrayList<>();
    for (int k = 0; k < threads; k++) {
      long lo = n * k / threads;
      long hi = n * (k + 1) / threads;
      fs.add(pool.submit(() -> body.run(lo, hi)));
    }
    for (Future<?> f : fs) {
      f.get();
    }
  }

  private static void copy(Sequence src, Sequence dst, long lo, long hi) {
    if (src.precision() == Precision.FLOAT32) {
      System.arraycopy(src.floatArray(), (int) lo, dst.floatArray(), (int) lo, (int) (hi - lo));
    } else {
      System.arraycopy(src.doubleArray(), (int) lo, dst.doubleArray(), (int) lo, (int) (hi - lo));
    }
  }

  private static void add(Sequence a, Sequence b, Sequence out, long lo, long hi) {
    if (a.precision() == Precision.FLOAT32) {
      float[] x = a.floatArray();
      float[] y = b.floatArray();
      float[] z = out.floatArray();
      for (int i = (int) lo; i < hi; i++) {
        z[i] = x[i] + y[i];
      }
    } else {
      double[] x = a.doubleArray();
      double[] y = b.doubleArray();
      double[] z = out.doubleArray();
      for (int i = (int) lo; i < hi; i++) {
        z[i] = x[i] + y[i];
      }
    }
  }

  interface Body {
    void run() throws Exception;
  }

  /** Median time of each body over `runs` rounds that run every body once, in turn. */
  private static double[] interleaved(int runs, int warmups, Body... bodies) throws Exception {
    for (int i = 0; i < warmups; i++) {
      for (Body body : bodies) {
        body.run();
      }
    }
    double[][] t = new double[bodies.length][runs];
    for (int r = 0; r < runs; r++) {
      for (int k = 0; k < bodies.length; k++) {
        long t0 = System.nanoTime();
        bodies[k].run();
        t[k][r] = (System.nanoTime() - t0) / 1e9;
      }
    }
    double[] med = new double[bodies.length];
    for (int k = 0; k < bodies.length; k++) {
      Arrays.sort(t[k]);
      med[k] = t[k][runs / 2];
    }
    return med;
  }

  private static Sequence fill(Precision p, int steps, int width, long seed, boolean decay) {
    Sequence s = Sequence.allocate(p, steps, width);
    SplittableRandom r = new SplittableRandom(seed);
    if (p == Precision.FLOAT32) {
      float[] v = s.floatArray();
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (decay ? 0.5 + 0.49 * r.nextDouble() : r.nextDouble() - 0.5);
      }
    } else {
      double[] v = s.doubleArray();
      for (int i = 0; i < v.length; i++) {
        v[i] = decay ? 0.5 + 0.49 * r.nextDouble() : r.nextDouble() - 0.5;
      }
    }
    return s;
  }
}
