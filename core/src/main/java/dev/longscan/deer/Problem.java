package dev.longscan.deer;

import dev.longscan.Sequence;
import java.util.stream.IntStream;

/** One recurrence's data in float64 and the evaluations every solver needs, over all steps. */
final class Problem {
  final Cell cell;
  final int n;
  final int m;
  final int batch;
  final int steps;
  final double[] x;
  final double[] y0;

  Problem(Cell cell, int batch, int steps, double[] x, double[] y0) {
    this.cell = cell;
    this.n = cell.stateSize();
    this.m = cell.inputSize();
    this.batch = batch;
    this.steps = steps;
    this.x = x;
    this.y0 = y0;
  }

  int size() {
    return steps * batch * n;
  }

  /** Reads x ([T, B·m], or [T, B] ignored when m = 0) into float64. */
  static double[] inputs(Sequence x, int m, int batch) {
    if (m == 0) {
      return new double[0];
    }
    double[] out = new double[x.steps() * batch * m];
    if (x.precision() == dev.longscan.Precision.FLOAT64) {
      System.arraycopy(x.doubleArray(), x.offset(), out, 0, out.length);
    } else {
      float[] f = x.floatArray();
      int o = x.offset();
      for (int i = 0; i < out.length; i++) {
        out[i] = f[o + i];
      }
    }
    return out;
  }

  /** The outcome of one evaluation over every step. */
  static final class Eval {
    double maxResidual;
    double maxRatio;
    double sumSquares;
    int[] firstBad; // {step, series, channel, kind 0 = f, 1 = jacobian}
    double badValue;
  }

  /**
   * r = y − f(y_prev, x) and, when {@code jac} is not null, the Jacobians at each step (full
   * n·n or, with {@code diagonal}, n values per step and series). Finds the first non-finite f or
   * Jacobian value, the max |r| and the max |r| / (atol + rtol |y|).
   */
  Eval evaluate(double[] y, double[] r, double[] jac, boolean diagonal, double atol,
      double rtol) {
    int blocks = steps * batch * n * (jac == null || diagonal ? 1 : n) < 1 << 14 ? 1
        : Math.min(steps, 8 * Runtime.getRuntime().availableProcessors());
    Eval[] parts = new Eval[blocks];
    IntStream.range(0, blocks).parallel().forEach(i -> {
      parts[i] = evaluate(y, r, jac, diagonal, atol, rtol, (int) ((long) steps * i / blocks),
          (int) ((long) steps * (i + 1) / blocks));
    });
    Eval all = new Eval();
    for (Eval e : parts) {
      all.maxResidual = Math.max(all.maxResidual, e.maxResidual);
      all.maxRatio = Math.max(all.maxRatio, e.maxRatio);
      all.sumSquares += e.sumSquares;
      if (all.firstBad == null && e.firstBad != null) {
        all.firstBad = e.firstBad;
        all.badValue = e.badValue;
      }
    }
    return all;
  }

  private Eval evaluate(double[] y, double[] r, double[] jac, boolean diagonal, double atol,
      double rtol, int t0, int t1) {
    Eval e = new Eval();
    int nn = diagonal ? n : n * n;
    for (int t = t0; t < t1; t++) {
      for (int s = 0; s < batch; s++) {
        int o = (t * batch + s) * n;
        double[] py = t == 0 ? y0 : y;
        int po = t == 0 ? s * n : o - batch * n;
        int xo = (t * batch + s) * m;
        int jo = (t * batch + s) * nn;
        if (jac == null) {
          cell.step(py, po, x, xo, r, o);
        } else if (diagonal) {
          cell.stepAndJacobianDiagonal(py, po, x, xo, r, o, jac, jo);
        } else {
          cell.stepAndJacobian(py, po, x, xo, r, o, jac, jo);
        }
        for (int c = 0; c < n; c++) {
          double f = r[o + c];
          if (!Double.isFinite(f) && e.firstBad == null) {
            e.firstBad = new int[] {t, s, c, 0};
            e.badValue = f;
          }
          double d = Math.abs(y[o + c] - f);
          r[o + c] = y[o + c] - f;
          e.maxResidual = Math.max(e.maxResidual, d);
          e.sumSquares += d * d;
          e.maxRatio = Math.max(e.maxRatio, d / (atol + rtol * Math.abs(y[o + c])));
        }
        if (jac != null) {
          if (e.firstBad == null) {
            for (int k = 0; k < nn; k++) {
              if (!Double.isFinite(jac[jo + k])) {
                e.firstBad = new int[] {t, s, diagonal ? k : k / n, 1};
                e.badValue = jac[jo + k];
                break;
              }
            }
          }
        }
      }
      if (e.firstBad != null) {
        // later steps cannot report an earlier value; the max over them no longer matters
        e.maxResidual = Double.NaN;
        e.maxRatio = Double.NaN;
        return e;
      }
    }
    return e;
  }

  /** The first non-finite value of y as {step, series, channel}, or null. */
  int[] firstNonFinite(double[] y) {
    for (int i = 0; i < y.length; i++) {
      if (!Double.isFinite(y[i])) {
        int t = i / (batch * n);
        int rest = i % (batch * n);
        return new int[] {t, rest / n, rest % n};
      }
    }
    return null;
  }
}
