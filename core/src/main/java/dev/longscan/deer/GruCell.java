package dev.longscan.deer;

final class GruCell implements Cell {
  private final int n;
  private final int m;
  private final double[] p;
  private final int w;
  private final int u;
  private final int bi;
  private final int bh;

  GruCell(int n, int m, double[] p) {
    this.n = n;
    this.m = m;
    this.p = p;
    this.w = 0;
    this.u = 3 * n * m;
    this.bi = u + 3 * n * n;
    this.bh = bi + 3 * n;
  }

  static int count(int n, int m) {
    return 3 * n * (m + n + 2);
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

  /** Gate values at (h, x): r, z, hn = U_c h + b_hc, c; each n long. */
  private final class Gates {
    final double[] r = new double[n];
    final double[] z = new double[n];
    final double[] hn = new double[n];
    final double[] c = new double[n];
    final double[] ai = new double[3 * n];
    final double[] ah = new double[3 * n];

    Gates compute(double[] h, int ho, double[] x, int xo) {
      System.arraycopy(p, bi, ai, 0, 3 * n);
      System.arraycopy(p, bh, ah, 0, 3 * n);
      Cells.matVec(p, w, 3 * n, m, x, xo, ai, 0);
      Cells.matVec(p, u, 3 * n, n, h, ho, ah, 0);
      for (int k = 0; k < n; k++) {
        r[k] = Cells.sigmoid(ai[k] + ah[k]);
        z[k] = Cells.sigmoid(ai[n + k] + ah[n + k]);
        hn[k] = ah[2 * n + k];
        c[k] = Math.tanh(ai[2 * n + k] + r[k] * hn[k]);
      }
      return this;
    }
  }

  private final ThreadLocal<Gates> scratch = ThreadLocal.withInitial(Gates::new);

  private Gates gates(double[] h, int ho, double[] x, int xo) {
    return scratch.get().compute(h, ho, x, xo);
  }

  private void out(Gates g, double[] y, int yOff, double[] out, int outOff) {
    for (int k = 0; k < n; k++) {
      out[outOff + k] = (1 - g.z[k]) * g.c[k] + g.z[k] * y[yOff + k];
    }
  }

  @Override
  public void step(double[] y, int yOff, double[] x, int xOff, double[] out, int outOff) {
    out(gates(y, yOff, x, xOff), y, yOff, out, outOff);
  }

  @Override
  public void jacobian(double[] y, int yOff, double[] x, int xOff, double[] jac, int jacOff) {
    jac(gates(y, yOff, x, xOff), y, yOff, jac, jacOff);
  }

  @Override
  public void stepAndJacobian(double[] y, int yOff, double[] x, int xOff, double[] out,
      int outOff, double[] jac, int jacOff) {
    Gates g = gates(y, yOff, x, xOff);
    jac(g, y, yOff, jac, jacOff);
    out(g, y, yOff, out, outOff);
  }

  @Override
  public void stepAndJacobianDiagonal(double[] y, int yOff, double[] x, int xOff, double[] out,
      int outOff, double[] diag, int diagOff) {
    Gates g = gates(y, yOff, x, xOff);
    diag(g, y, yOff, diag, diagOff);
    out(g, y, yOff, out, outOff);
  }

  private void jac(Gates g, double[] y, int yOff, double[] jac, int jacOff) {
    int ur = u;
    int uz = u + n * n;
    int uc = u + 2 * n * n;
    for (int k = 0; k < n; k++) {
      double dc = (1 - g.z[k]) * (1 - g.c[k] * g.c[k]);
      double kc = dc * g.r[k];
      double kr = dc * g.hn[k] * g.r[k] * (1 - g.r[k]);
      double kz = (y[yOff + k] - g.c[k]) * g.z[k] * (1 - g.z[k]);
      int row = jacOff + k * n;
      for (int c = 0; c < n; c++) {
        jac[row + c] = kc * p[uc + k * n + c] + kr * p[ur + k * n + c] + kz * p[uz + k * n + c];
      }
      jac[row + k] += g.z[k];
    }
  }

  @Override
  public void jacobianDiagonal(double[] y, int yOff, double[] x, int xOff, double[] diag,
      int off) {
    diag(gates(y, yOff, x, xOff), y, yOff, diag, off);
  }

  private void diag(Gates g, double[] y, int yOff, double[] diag, int off) {
    for (int k = 0; k < n; k++) {
      double dc = (1 - g.z[k]) * (1 - g.c[k] * g.c[k]);
      int e = k * n + k;
      diag[off + k] = dc * g.r[k] * p[u + 2 * n * n + e]
          + dc * g.hn[k] * g.r[k] * (1 - g.r[k]) * p[u + e]
          + (y[yOff + k] - g.c[k]) * g.z[k] * (1 - g.z[k]) * p[u + n * n + e] + g.z[k];
    }
  }

  @Override
  public void vjp(double[] y, int yOff, double[] x, int xOff, double[] gv, int gOff,
      double[] gradY, int gyOff, double[] gradX, int gxOff, double[] gradParams) {
    Gates g = gates(y, yOff, x, xOff);
    // cotangents of the pre-activations: input side [r, z, c] and hidden side [r, z, hn]
    double[] di = new double[3 * n];
    double[] dh = new double[3 * n];
    for (int k = 0; k < n; k++) {
      double gk = gv[gOff + k];
      double dz = gk * (y[yOff + k] - g.c[k]);
      double dac = gk * (1 - g.z[k]) * (1 - g.c[k] * g.c[k]);
      double dr = dac * g.hn[k];
      double dar = dr * g.r[k] * (1 - g.r[k]);
      double daz = dz * g.z[k] * (1 - g.z[k]);
      di[k] = dar;
      di[n + k] = daz;
      di[2 * n + k] = dac;
      dh[k] = dar;
      dh[n + k] = daz;
      dh[2 * n + k] = dac * g.r[k];
      if (gradY != null) {
        gradY[gyOff + k] += gk * g.z[k];
      }
    }
    if (gradY != null) {
      Cells.matTVec(p, u, 3 * n, n, dh, 0, gradY, gyOff);
    }
    if (gradX != null) {
      Cells.matTVec(p, w, 3 * n, m, di, 0, gradX, gxOff);
    }
    if (gradParams != null) {
      Cells.outer(gradParams, w, 3 * n, m, di, 0, x, xOff);
      Cells.outer(gradParams, u, 3 * n, n, dh, 0, y, yOff);
      for (int k = 0; k < 3 * n; k++) {
        gradParams[bi + k] += di[k];
        gradParams[bh + k] += dh[k];
      }
    }
  }

  @Override
  public String toString() {
    return "GRU(n=" + n + ", m=" + m + ")";
  }
}
