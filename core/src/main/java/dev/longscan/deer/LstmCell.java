package dev.longscan.deer;

final class LstmCell implements Cell {
  private final int n;
  private final int m;
  private final double[] p;
  private final int w;
  private final int u;
  private final int b;

  LstmCell(int n, int m, double[] p) {
    this.n = n;
    this.m = m;
    this.p = p;
    this.w = 0;
    this.u = 4 * n * m;
    this.b = u + 4 * n * n;
  }

  static int count(int n, int m) {
    return 4 * n * (m + n + 1);
  }

  @Override
  public int stateSize() {
    return 2 * n;
  }

  @Override
  public int inputSize() {
    return m;
  }

  @Override
  public int parameterCount() {
    return p.length;
  }

  /** Gates i, f, g, o and tanh(c') at (y = [h; c], x). */
  private final class Gates {
    final double[] i = new double[n];
    final double[] f = new double[n];
    final double[] g = new double[n];
    final double[] o = new double[n];
    final double[] cn = new double[n];
    final double[] tc = new double[n];

    Gates(double[] y, int yo, double[] x, int xo) {
      double[] a = new double[4 * n];
      System.arraycopy(p, b, a, 0, 4 * n);
      Cells.matVec(p, w, 4 * n, m, x, xo, a, 0);
      Cells.matVec(p, u, 4 * n, n, y, yo, a, 0);
      for (int k = 0; k < n; k++) {
        i[k] = Cells.sigmoid(a[k]);
        f[k] = Cells.sigmoid(a[n + k]);
        g[k] = Math.tanh(a[2 * n + k]);
        o[k] = Cells.sigmoid(a[3 * n + k]);
        cn[k] = f[k] * y[yo + n + k] + i[k] * g[k];
        tc[k] = Math.tanh(cn[k]);
      }
    }
  }

  @Override
  public void step(double[] y, int yOff, double[] x, int xOff, double[] out, int outOff) {
    Gates q = new Gates(y, yOff, x, xOff);
    for (int k = 0; k < n; k++) {
      out[outOff + k] = q.o[k] * q.tc[k];
      out[outOff + n + k] = q.cn[k];
    }
  }

  @Override
  public void jacobian(double[] y, int yOff, double[] x, int xOff, double[] jac, int jacOff) {
    Gates q = new Gates(y, yOff, x, xOff);
    int s = 2 * n;
    int ui = u;
    int uf = u + n * n;
    int ug = u + 2 * n * n;
    int uo = u + 3 * n * n;
    for (int k = 0; k < n; k++) {
      double kf = y[yOff + n + k] * q.f[k] * (1 - q.f[k]);
      double ki = q.g[k] * q.i[k] * (1 - q.i[k]);
      double kg = q.i[k] * (1 - q.g[k] * q.g[k]);
      double ko = q.tc[k] * q.o[k] * (1 - q.o[k]);
      double kt = q.o[k] * (1 - q.tc[k] * q.tc[k]);
      int hRow = jacOff + k * s;
      int cRow = jacOff + (n + k) * s;
      for (int j = 0; j < n; j++) {
        int e = k * n + j;
        double dc = kf * p[uf + e] + ki * p[ui + e] + kg * p[ug + e];
        jac[cRow + j] = dc;
        jac[hRow + j] = ko * p[uo + e] + kt * dc;
        jac[cRow + n + j] = 0;
        jac[hRow + n + j] = 0;
      }
      jac[cRow + n + k] = q.f[k];
      jac[hRow + n + k] = kt * q.f[k];
    }
  }

  @Override
  public void vjp(double[] y, int yOff, double[] x, int xOff, double[] gv, int gOff,
      double[] gradY, int gyOff, double[] gradX, int gxOff, double[] gradParams) {
    Gates q = new Gates(y, yOff, x, xOff);
    double[] da = new double[4 * n];
    for (int k = 0; k < n; k++) {
      double gh = gv[gOff + k];
      double dcn = gv[gOff + n + k] + gh * q.o[k] * (1 - q.tc[k] * q.tc[k]);
      da[k] = dcn * q.g[k] * q.i[k] * (1 - q.i[k]);
      da[n + k] = dcn * y[yOff + n + k] * q.f[k] * (1 - q.f[k]);
      da[2 * n + k] = dcn * q.i[k] * (1 - q.g[k] * q.g[k]);
      da[3 * n + k] = gh * q.tc[k] * q.o[k] * (1 - q.o[k]);
      if (gradY != null) {
        gradY[gyOff + n + k] += dcn * q.f[k];
      }
    }
    if (gradY != null) {
      Cells.matTVec(p, u, 4 * n, n, da, 0, gradY, gyOff);
    }
    if (gradX != null) {
      Cells.matTVec(p, w, 4 * n, m, da, 0, gradX, gxOff);
    }
    if (gradParams != null) {
      Cells.outer(gradParams, w, 4 * n, m, da, 0, x, xOff);
      Cells.outer(gradParams, u, 4 * n, n, da, 0, y, yOff);
      for (int k = 0; k < 4 * n; k++) {
        gradParams[b + k] += da[k];
      }
    }
  }

  @Override
  public String toString() {
    return "LSTM(n=" + n + ", m=" + m + ", state 2n)";
  }
}
