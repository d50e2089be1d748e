package dev.longscan.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A probe, not a shipped kernel: which forms of the wide float64 row recurrence
 * h[t, c] = a[t, c] · h[t − 1, c] + b[t, c] does JDK 17's C2 vectorise, and what do two threads
 * draw from memory with each split?
 *
 * <p>Forms: the general row loop (the previous row read back at a distance of w elements, w a
 * variable), the same loop flattened, and the flattened loop with the distance written as a
 * literal (w = 64). In cache (512 rows × 64) and in memory (10^6 × 64); in memory also two threads
 * splitting each row by channel, two threads on disjoint halves of the rows with no carry between
 * them (what a time split would stream, not a scan), and an a + b pass.
 *
 * <pre>
 * java -Xmx8g -cp benchmarks/target/classes dev.longscan.bench.WideRowsProbe [rounds]
 * </pre>
 */
public final class WideRowsProbe {
  private WideRowsProbe() {}

  static final int W = 64;

  static void general(double[] a, double[] b, double[] out, int w, int rows) {
    for (int t = 1; t < rows; t++) {
      int i = t * w;
      int p = i - w;
      for (int c = 0; c < w; c++) {
        out[i + c] = a[i + c] * out[p + c] + b[i + c];
      }
    }
  }

  static void flat(double[] a, double[] b, double[] out, int w, int lo, int hi) {
    for (int i = lo * w; i < hi * w; i++) {
      out[i] = a[i] * out[i - w] + b[i];
    }
  }

  /** Rows [lo, hi) of width 64, lo ≥ 1: the distance to the previous row is a constant. */
  static void flat64(double[] a, double[] b, double[] out, int lo, int hi) {
    for (int i = lo * 64; i < hi * 64; i++) {
      out[i] = a[i] * out[i - 64] + b[i];
    }
  }

  /** Channels [c0, c0 + n) of rows 1 … rows − 1, width 64, distance constant. */
  static void channels64(double[] a, double[] b, double[] out, int c0, int n, int rows) {
    for (int t = 1; t < rows; t++) {
      int i = t * 64 + c0;
      for (int c = 0; c < n; c++) {
        out[i + c] = a[i + c] * out[i + c - 64] + b[i + c];
      }
    }
  }

  static void sum(double[] a, double[] b, double[] out, int lo, int hi) {
    for (int i = lo; i < hi; i++) {
      out[i] = a[i] + b[i];
    }
  }

  private static double[][] inputs(int rows) {
    double[] a = new double[W * rows];
    double[] b = new double[W * rows];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < a.length; i++) {
      a[i] = 0.3 + 0.6 * r.nextDouble();
      b[i] = r.nextDouble() - 0.5;
    }
    return new double[][] {a, b, new double[W * rows]};
  }

  interface Body {
    void run() throws Exception;
  }

  private static double rate(double elements, Body body) throws Exception {
    long t0 = System.nanoTime();
    body.run();
    return elements / (System.nanoTime() - t0);
  }

  public static void main(String[] args) throws Exception {
    int rounds = 6;
    if (args.length > 0) {
      try {
        rounds = Integer.parseInt(args[0]);
      } catch (NumberFormatException e) {
        rounds = 0;
      }
      if (rounds < 1) {
        throw new IllegalArgumentException("expected the number of rounds (an integer of at least"
            + " 1) as the only argument, found '" + args[0] + "'");
      }
    }
    System.out.println("G elements/s, float64, width 64; one line per round (the first warms up)");
    int small = 512;
    double[][] s = inputs(small);
    int reps = 2000;
    double es = (double) reps * W * small;
    for (int k = 0; k < rounds; k++) {
      double g = rate(es, () -> {
        for (int i = 0; i < reps; i++) {
          general(s[0], s[1], s[2], W, small);
        }
      });
      double f = rate(es, () -> {
        for (int i = 0; i < reps; i++) {
          flat(s[0], s[1], s[2], W, 1, small);
        }
      });
      double c = rate(es, () -> {
        for (int i = 0; i < reps; i++) {
          flat64(s[0], s[1], s[2], 1, small);
        }
      });
      System.out.printf(Locale.ROOT, "in cache, 1 thread: general %.2f | flat, w variable %.2f |"
          + " flat, w literal %.2f%n", g, f, c);
    }
    int rows = 1_000_000;
    double[][] m = inputs(rows);
    double[] a = m[0];
    double[] b = m[1];
    double[] out = m[2];
    double em = (double) W * rows;
    ExecutorService ex = Executors.newFixedThreadPool(1);
    try {
      for (int k = 0; k < rounds; k++) {
        double g = rate(em, () -> general(a, b, out, W, rows));
        double c = rate(em, () -> flat64(a, b, out, 1, rows));
        double ch = rate(em, () -> {
          Future<?> f = ex.submit(() -> channels64(a, b, out, 32, 32, rows));
          channels64(a, b, out, 0, 32, rows);
          f.get();
        });
        double ab = rate(em, () -> {
          int half = a.length / 2;
          Future<?> f = ex.submit(() -> sum(a, b, out, half, a.length));
          sum(a, b, out, 0, half);
          f.get();
        });
        double halves = rate(em, () -> {
          Future<?> f = ex.submit(() -> flat64(a, b, out, rows / 2 + 1, rows));
          flat64(a, b, out, 1, rows / 2);
          f.get();
        });
        System.out.printf(Locale.ROOT, "in memory: general 1 thread %.2f | w literal 1 thread"
            + " %.2f | w literal, channel split, 2 threads %.2f | a + b, 2 threads %.2f |"
            + " w literal, row halves without carry, 2 threads %.2f%n", g, c, ch, ab, halves);
      }
    } finally {
      ex.shutdown();
    }
  }
}
