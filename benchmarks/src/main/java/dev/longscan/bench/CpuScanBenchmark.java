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
 * <p>Usage: {@code CpuScanBenchmark [--quick] [--runs N]}. Prints a Markdown table.
 */
public final class CpuScanBenchmark {
  private CpuScanBenchmark() {}

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    int runs = 7;
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--runs")) {
        runs = Integer.parseInt(args[i + 1]);
      }
    }
    int threads = Runtime.getRuntime().availableProcessors();
    System.out.printf(Locale.ROOT, "# CPU scan benchmark: %d cores, Java %s, %s; median of %d runs"
        + " after 2 warm-ups%n%n", threads, System.getProperty("java.version"),
        System.getProperty("os.arch"), runs);
    System.out.println("| precision | steps × width | copy GB/s (r+w) | a+b pass G el/s"
        + " | sequential G el/s | parallel G el/s | parallel ÷ sequential"
        + " | parallel ÷ copy ceiling |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    int longT = quick ? 10_000_000 : 100_000_000;
    int wideT = quick ? 100_000 : 1_000_000;
    for (Precision p : Precision.values()) {
      row(p, longT, 1, runs, threads);
    }
    for (Precision p : Precision.values()) {
      row(p, wideT, 64, runs, threads);
    }
  }

  private static void row(Precision p, int steps, int width, int runs, int threads)
      throws Exception {
    Sequence a = fill(p, steps, width, 1, true);
    Sequence b = fill(p, steps, width, 2, false);
    Sequence out = Sequence.allocate(p, steps, width);
    long n = (long) steps * width;
    Backend seq = Backends.sequential();
    Backend par = Backends.cpu();
    ScanOptions o = ScanOptions.defaults();
    double tSeq = median(runs, () -> seq.scan(a, b, o, out));
    double tPar = median(runs, () -> par.scan(a, b, o, out));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      // copy: src = a's array into out's array, in `threads` slices at once
      double tCopy = median(runs, () -> parallel(pool, threads, n, (lo, hi) -> copy(a, out, lo, hi)));
      double tAdd = median(runs, () -> parallel(pool, threads, n, (lo, hi) -> add(a, b, out, lo, hi)));
      double copyBytes = 2.0 * n * p.bytes();
      double copyBw = copyBytes / tCopy;
      double scanBytes = 3.0 * n * p.bytes();
      double ceiling = scanBytes / copyBw;
      System.out.printf(Locale.ROOT, "| %s | %d × %d | %.1f | %.3f | %.3f | %.3f | %.2f | %.0f %% |%n",
          p, steps, width, copyBw / 1e9, n / tAdd / 1e9, n / tSeq / 1e9, n / tPar / 1e9,
          tSeq / tPar, 100 * ceiling / tPar);
    } finally {
      pool.shutdown();
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

  private static double median(int runs, Body body) throws Exception {
    for (int i = 0; i < 2; i++) {
      body.run();
    }
    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      body.run();
      t[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(t);
    return t[runs / 2];
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
