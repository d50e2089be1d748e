package dev.longscan.algebra;

import dev.longscan.ShapeException;

/** {@link DenseSummary}'s algebra: (J1, b1) ▷ (J2, b2) = (J2·J1, J2·b1 + b2), per series. */
final class DenseAlgebra implements Algebra<DenseSummary> {
  private final int batch;
  private final int n;

  DenseAlgebra(int batch, int n) {
    this.batch = batch;
    this.n = n;
  }

  @Override
  public int width() {
    return batch * n;
  }

  @Override
  public int widthOf(DenseSummary e) {
    return e.n() == n ? e.batch() * n : -1;
  }

  @Override
  public DenseSummary identity() {
    return DenseSummary.identity(batch, n);
  }

  @Override
  public DenseSummary compose(DenseSummary first, DenseSummary second) {
    check(first, "first");
    check(second, "second");
    double[] j1 = first.rawJ();
    double[] b1 = first.rawB();
    double[] j2 = second.rawJ();
    double[] b2 = second.rawB();
    double[] j = new double[j1.length];
    double[] b = new double[b1.length];
    int nn = n * n;
    for (int s = 0; s < batch; s++) {
      multiply(j2, s * nn, j1, s * nn, j, s * nn, n);
      for (int r = 0; r < n; r++) {
        int row = s * nn + r * n;
        double acc = b2[s * n + r];
        for (int c = 0; c < n; c++) {
          acc += j2[row + c] * b1[s * n + c];
        }
        b[s * n + r] = acc;
      }
    }
    return new DenseSummary(batch, n, j, b);
  }

  /** out = x·y for n×n row-major blocks at the given offsets (out disjoint from x and y). */
  static void multiply(double[] x, int xo, double[] y, int yo, double[] out, int oo, int n) {
    for (int r = 0; r < n; r++) {
      int orow = oo + r * n;
      for (int c = 0; c < n; c++) {
        out[orow + c] = 0;
      }
      for (int k = 0; k < n; k++) {
        double x_rk = x[xo + r * n + k];
        int yrow = yo + k * n;
        for (int c = 0; c < n; c++) {
          out[orow + c] += x_rk * y[yrow + c];
        }
      }
    }
  }

  @Override
  public void apply(DenseSummary e, double[] h, int hOff, double[] out, int outOff) {
    check(e, "summary");
    if (h == out && hOff == outOff) {
      double[] tmp = new double[batch * n];
      applyInto(e, h, hOff, tmp, 0);
      System.arraycopy(tmp, 0, out, outOff, tmp.length);
      return;
    }
    applyInto(e, h, hOff, out, outOff);
  }

  /** out = J h + b series by series (ranges disjoint). */
  static void applyInto(DenseSummary e, double[] h, int hOff, double[] out, int outOff) {
    int n = e.n();
    double[] j = e.rawJ();
    double[] b = e.rawB();
    for (int s = 0, batch = e.batch(); s < batch; s++) {
      for (int r = 0; r < n; r++) {
        int row = (s * n + r) * n;
        double acc = b[s * n + r];
        for (int c = 0; c < n; c++) {
          acc += j[row + c] * h[hOff + s * n + c];
        }
        out[outOff + s * n + r] = acc;
      }
    }
  }

  @Override
  public void applyTransposed(DenseSummary e, double[] d, int dOff, double[] out, int outOff) {
    check(e, "summary");
    double[] j = e.rawJ();
    for (int s = 0; s < batch; s++) {
      for (int c = 0; c < n; c++) {
        out[outOff + s * n + c] = 0;
      }
      for (int r = 0; r < n; r++) {
        double dr = d[dOff + s * n + r];
        int row = (s * n + r) * n;
        for (int c = 0; c < n; c++) {
          out[outOff + s * n + c] += j[row + c] * dr;
        }
      }
    }
  }

  private void check(DenseSummary e, String name) {
    if (e == null) {
      throw new ShapeException("expected a non-null " + name + ", found null");
    }
    if (e.n() != n || e.batch() != batch) {
      throw new ShapeException("expected a " + name + " of batch " + batch + " and n " + n
          + ", found batch " + e.batch() + " and n " + e.n());
    }
  }
}
