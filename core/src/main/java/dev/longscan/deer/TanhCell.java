package dev.longscan.deer;

final class TanhCell implements Cell {
  private final int n;
  private final int m;
  private final double[] p;
  private final int w;
  private final int u;
  private final int b;

  TanhCell(int n, int m, double[] p) {
    this.n = n;
    this.m = m;
    this.p = p;
    this.w = 0;
    this.u = n * m;
    this.b = u + n * n;
  }

  static int count(int n, int m) {
    return n * (m + n + 1);
  }

  @Override
  public int stateSize() {
    return n;
  }

  @Override
  public int inputSize() {
    return m;
  }

  @Override
  public int parameterCount() {
    return p.length;
  }

  private double[] out(double[] y, int yOff, double[] x, int xOff) {
    double[] a = new double[n];
    System.arraycopy(p, b, a, 0, n);
    Cells.matVec(p, w, n, m, x, xOff, a, 0);
    Cells.matVec(p, u, n, n, y, yOff, a, 0);
    for (int r = 0; r < n; r++) {
      a[r] = Math.tanh(a[r]);
    }
    return a;
  }

  @Override
  public void step(double[] y, int yOff, double[] x, int xOff, double[] out, int outOff) {
    System.arraycopy(out(y, yOff, x, xOff), 0, out, outOff, n);
  }

  @Override
  public void jacobian(double[] y, int yOff, double[] x, int xOff, double[] jac, int jacOff) {
    double[] h = out(y, yOff, x, xOff);
    for (int r = 0; r < n; r++) {
      double d = 1 - h[r] * h[r];
      for (int c = 0; c < n; c++) {
        jac[jacOff + r * n + c] = d * p[u + r * n + c];
      }
    }
  }

  @Override
  public void jacobianDiagonal(double[] y, int yOff, double[] x, int xOff, double[] diag,
      int off) {
    double[] h = out(y, yOff, x, xOff);
    for (int r = 0; r < n; r++) {
      diag[off + r] = (1 - h[r] * h[r]) * p[u + r * n + r];
    }
  }

  @Override
  public void vjp(double[] y, int yOff, double[] x, int xOff, double[] g, int gOff,
      double[] gradY, int gyOff, double[] gradX, int gxOff, double[] gradParams) {
    double[] h = out(y, yOff, x, xOff);
    double[] da = new double[n];
    for (int r = 0; r < n; r++) {
      da[r] = g[gOff + r] * (1 - h[r] * h[r]);
    }
    if (gradY != null) {
      Cells.matTVec(p, u, n, n, da, 0, gradY, gyOff);
    }
    if (gradX != null) {
      Cells.matTVec(p, w, n, m, da, 0, gradX, gxOff);
    }
    if (gradParams != null) {
      Cells.outer(gradParams, w, n, m, da, 0, x, xOff);
      Cells.outer(gradParams, u, n, n, da, 0, y, yOff);
      for (int r = 0; r < n; r++) {
        gradParams[b + r] += da[r];
      }
    }
  }

  @Override
  public String toString() {
    return "tanh RNN(n=" + n + ", m=" + m + ")";
  }
}
