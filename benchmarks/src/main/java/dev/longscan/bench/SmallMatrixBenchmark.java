package dev.longscan.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The small matrix products of the dense scan, plain Java loops against dev.ludovic.netlib's BLAS
 * (the BLAS Spark MLlib uses), for n from 2 to 64, float64, one thread: y = J x (one step of the
 * sequential loop) and C = J·A (one step of a chunk's reduce, the time-parallel path).
 *
 * <p>The plain loops are the ones the dense engine uses ({@code dev.longscan.DenseKernels64}):
 * the matrix-vector product as row dot products with four partial sums, the matrix product as
 * row-times-scalar updates. netlib is reached through method handles so that the benchmarks
 * module needs no compile-time dependency on it; put {@code dev.ludovic.netlib:blas} on the class
 * path to include it (without it, only the plain loops are timed). The row says which BLAS
 * implementation netlib picked (JNI to the system BLAS, the Java Vector API, or its Java port).
 *
 * <p>Each figure is the median of 7 timed batches after 3 warm-up batches; a batch repeats the
 * product over 256 different matrices (so that they are read from cache, as in a chunk) enough
 * times to take about 20 ms. Usage: {@code SmallMatrixBenchmark}. Prints a Markdown table.
 */
public final class SmallMatrixBenchmark {
  private SmallMatrixBenchmark() {}

  private static final int MATS = 256;
  private static MethodHandle dgemv;
  private static MethodHandle dgemm;
  private static Object blas;

  public static void main(String[] args) throws Throwable {
    String impl = loadNetlib();
    System.out.printf(Locale.ROOT, "# small matrix products, float64, one thread; Java %s;"
        + " netlib: %s%n%n", System.getProperty("java.version"), impl);
    System.out.println("| n | J x plain ns | J x netlib ns | faster | J·A plain ns | J·A netlib ns"
        + " | faster |");
    System.out.println("|---|---|---|---|---|---|---|");
    int[] sizes = {2, 3, 4, 5, 6, 8, 12, 16, 24, 32, 48, 64};
    for (int n : sizes) {
      SplittableRandom r = new SplittableRandom(n);
      double[] j = new double[MATS * n * n];
      double[] a = new double[n * n];
      double[] c = new double[n * n];
      double[] x = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < j.length; i++) {
        j[i] = r.nextDouble() - 0.5;
      }
      for (int i = 0; i < n * n; i++) {
        a[i] = r.nextDouble() - 0.5;
      }
      for (int i = 0; i < n; i++) {
        x[i] = r.nextDouble() - 0.5;
      }
      double mvPlain = time(() -> {
        for (int m = 0; m < MATS; m++) {
          matvec(j, m * n * n, x, y, n);
        }
      }, n * n);
      double mvBlas = dgemv == null ? Double.NaN : time(() -> {
        for (int m = 0; m < MATS; m++) {
          try {
            dgemv.invoke(blas, "T", n, n, 1.0, j, m * n * n, n, x, 0, 1, 0.0, y, 0, 1);
          } catch (Throwable e) {
            throw new IllegalStateException(e);
          }
        }
      }, n * n);
      double mmPlain = time(() -> {
        for (int m = 0; m < MATS; m++) {
          matmul(j, m * n * n, a, c, n);
        }
      }, n * n * n);
      double mmBlas = dgemm == null ? Double.NaN : time(() -> {
        for (int m = 0; m < MATS; m++) {
          try {
            // row-major C = J·A is column-major Cᵀ = Aᵀ Jᵀ
            dgemm.invoke(blas, "N", "N", n, n, n, 1.0, a, 0, n, j, m * n * n, n, 0.0, c, 0, n);
          } catch (Throwable e) {
            throw new IllegalStateException(e);
          }
        }
      }, n * n * n);
      System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %s | %.1f | %.1f | %s |%n", n,
          mvPlain / MATS, mvBlas / MATS, faster(mvPlain, mvBlas), mmPlain / MATS, mmBlas / MATS,
          faster(mmPlain, mmBlas));
    }
  }

  private static String faster(double plain, double netlib) {
    if (Double.isNaN(netlib)) {
      return "plain";
    }
    return plain <= netlib ? String.format(Locale.ROOT, "plain (%.2f×)", netlib / plain)
        : String.format(Locale.ROOT, "netlib (%.2f×)", plain / netlib);
  }

  private static String loadNetlib() {
    try {
      Class<?> k = Class.forName("dev.ludovic.netlib.blas.BLAS");
      blas = k.getMethod("getInstance").invoke(null);
      MethodHandles.Lookup l = MethodHandles.publicLookup();
      dgemv = l.findVirtual(k, "dgemv", MethodType.methodType(void.class, String.class, int.class,
          int.class, double.class, double[].class, int.class, int.class, double[].class,
          int.class, int.class, double.class, double[].class, int.class, int.class));
      dgemm = l.findVirtual(k, "dgemm", MethodType.methodType(void.class, String.class,
          String.class, int.class, int.class, int.class, double.class, double[].class, int.class,
          int.class, double[].class, int.class, int.class, double.class, double[].class,
          int.class, int.class));
      return blas.getClass().getName();
    } catch (ReflectiveOperationException | LinkageError e) {
      return "not on the class path (" + e + ")";
    }
  }

  /** y = J x with J the n×n row-major block at jo: row dot products, four partial sums. */
  static void matvec(double[] j, int jo, double[] x, double[] y, int n) {
    for (int r = 0; r < n; r++) {
      int row = jo + r * n;
      double a0 = 0;
      double a1 = 0;
      double a2 = 0;
      double a3 = 0;
      int c = 0;
      for (; c + 4 <= n; c += 4) {
        a0 += j[row + c] * x[c];
        a1 += j[row + c + 1] * x[c + 1];
        a2 += j[row + c + 2] * x[c + 2];
        a3 += j[row + c + 3] * x[c + 3];
      }
      for (; c < n; c++) {
        a0 += j[row + c] * x[c];
      }
      y[r] = (a0 + a1) + (a2 + a3);
    }
  }

  /** out = J·A (row-major, n×n): each output row accumulates rows of A scaled by J's entries. */
  static void matmul(double[] j, int jo, double[] a, double[] out, int n) {
    for (int r = 0; r < n; r++) {
      int orow = r * n;
      double jr0 = j[jo + r * n];
      for (int c = 0; c < n; c++) {
        out[orow + c] = jr0 * a[c];
      }
      for (int k = 1; k < n; k++) {
        double jrk = j[jo + r * n + k];
        int arow = k * n;
        for (int c = 0; c < n; c++) {
          out[orow + c] += jrk * a[arow + c];
        }
      }
    }
  }

  private static double time(Runnable body, long flopsPerMat) {
    long reps = 1;
    long t0 = System.nanoTime();
    body.run();
    long one = Math.max(1, System.nanoTime() - t0);
    reps = Math.max(1, 20_000_000L / one);
    double[] t = new double[7];
    for (int round = -3; round < 7; round++) {
      long s = System.nanoTime();
      for (long i = 0; i < reps; i++) {
        body.run();
      }
      double ns = (System.nanoTime() - s) / (double) reps;
      if (round >= 0) {
        t[round] = ns;
      }
    }
    java.util.Arrays.sort(t);
    return t[3];
  }
}
