package dev.longscan.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;

/**
 * The three float32 matrix products of a layer's training step, by each candidate library: the
 * forward product Y = X W ([N × K] × [K × M]), the input gradient dX = dY Wᵀ and the weight
 * gradient dW = Xᵀ dY, all row-major as the layers store them (N = T·B rows).
 *
 * <p>Candidates: dev.ludovic.netlib's {@code BLAS.getInstance()} (native BLAS through JNI when the
 * system has a {@code libblas.so.3}, else its pure-Java implementation), netlib's pure-Java
 * implementation alone ({@code JavaBLAS.getInstance()}; the Vector API version when the JVM runs
 * with {@code --add-modules jdk.incubator.vector}), and EJML's row-major products on one thread
 * ({@code CommonOps_FDRM}) and on all cores ({@code CommonOps_MT_FDRM}).
 *
 * <p>Usage: {@code MatrixProductBenchmark [--rows N] [--k K] [--m M] [--runs R]} (defaults 65536,
 * 256, 1024, 3). Prints a Markdown table of the median GFLOP/s (2·N·K·M flops per product) and
 * the largest difference of each library's Y from netlib's.
 */
public final class MatrixProductBenchmark {
  private MatrixProductBenchmark() {}

  public static void main(String[] args) {
    int n = 65536;
    int k = 256;
    int m = 1024;
    int runs = 3;
    for (int i = 0; i + 1 < args.length; i += 2) {
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--rows": n = v; break;
        case "--k": k = v; break;
        case "--m": m = v; break;
        case "--runs": runs = v; break;
        default: throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SplittableRandom rnd = new SplittableRandom(7);
    float[] x = random(rnd, n * k);
    float[] w = random(rnd, k * m);
    float[] dy = random(rnd, n * m);
    float[] y = new float[n * m];
    float[] dx = new float[n * k];
    float[] dw = new float[k * m];
    BLAS auto = BLAS.getInstance();
    BLAS java = JavaBLAS.getInstance();
    System.out.printf(Locale.ROOT, "# matrix products: N=%d, K=%d, M=%d, float32; %d cores,"
        + " Java %s; BLAS.getInstance() = %s, JavaBLAS = %s; median of %d runs after 1 warm-up%n%n",
        n, k, m, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        auto.getClass().getSimpleName(), java.getClass().getSimpleName(), runs);
    System.out.println("| library | Y = X W GFLOP/s | dX = dY Wᵀ GFLOP/s | dW = Xᵀ dY GFLOP/s"
        + " | max abs diff of Y from netlib |");
    System.out.println("|---|---|---|---|---|");
    double flops = 2.0 * n * k * m;
    float[] ref = null;
    List<String> names = List.of("netlib " + auto.getClass().getSimpleName(),
        "netlib " + java.getClass().getSimpleName(), "EJML 1 thread", "EJML all cores");
    for (int lib = 0; lib < names.size(); lib++) {
      double[] g = new double[3];
      for (int op = 0; op < 3; op++) {
        List<Double> times = new ArrayList<>();
        for (int r = 0; r <= runs; r++) {
          long t0 = System.nanoTime();
          run(lib, op, auto, java, n, k, m, x, w, dy, y, dx, dw);
          long t1 = System.nanoTime();
          if (r > 0) {
            times.add((t1 - t0) / 1e9);
          }
        }
        double[] ts = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        g[op] = flops / ts[ts.length / 2] / 1e9;
      }
      run(lib, 0, auto, java, n, k, m, x, w, dy, y, dx, dw);
      double diff = 0;
      if (ref == null) {
        ref = y.clone();
      } else {
        for (int i = 0; i < y.length; i++) {
          diff = Math.max(diff, Math.abs(y[i] - ref[i]));
        }
      }
      System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2e |%n", names.get(lib), g[0],
          g[1], g[2], diff);
    }
  }

  private static void run(int lib, int op, BLAS auto, BLAS java, int n, int k, int m, float[] x,
      float[] w, float[] dy, float[] y, float[] dx, float[] dw) {
    if (lib <= 1) {
      BLAS b = lib == 0 ? auto : java;
      // row-major A is column-major Aᵀ: Yᵀ = Wᵀ Xᵀ, dXᵀ = W dYᵀ, dWᵀ = dYᵀ X
      switch (op) {
        case 0: b.sgemm("N", "N", m, n, k, 1f, w, 0, m, x, 0, k, 0f, y, 0, m); break;
        case 1: b.sgemm("T", "N", k, n, m, 1f, w, 0, m, dy, 0, m, 0f, dx, 0, k); break;
        default: b.sgemm("N", "T", m, k, n, 1f, dy, 0, m, x, 0, k, 0f, dw, 0, m); break;
      }
      return;
    }
    FMatrixRMaj mx = FMatrixRMaj.wrap(n, k, x);
    FMatrixRMaj mw = FMatrixRMaj.wrap(k, m, w);
    FMatrixRMaj mdy = FMatrixRMaj.wrap(n, m, dy);
    FMatrixRMaj my = FMatrixRMaj.wrap(n, m, y);
    FMatrixRMaj mdx = FMatrixRMaj.wrap(n, k, dx);
    FMatrixRMaj mdw = FMatrixRMaj.wrap(k, m, dw);
    boolean mt = lib == 3;
    switch (op) {
      case 0:
        if (mt) { CommonOps_MT_FDRM.mult(mx, mw, my); } else { CommonOps_FDRM.mult(mx, mw, my); }
        break;
      case 1:
        if (mt) {
          CommonOps_MT_FDRM.multTransB(mdy, mw, mdx);
        } else {
          CommonOps_FDRM.multTransB(mdy, mw, mdx);
        }
        break;
      default:
        if (mt) {
          CommonOps_MT_FDRM.multTransA(mx, mdy, mdw);
        } else {
          CommonOps_FDRM.multTransA(mx, mdy, mdw);
        }
        break;
    }
  }

  private static float[] random(SplittableRandom rnd, int size) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return a;
  }
}
