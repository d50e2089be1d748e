// GENERATED from DenseKernels64.java by core/src/build/gen-dense-kernels32.sh: do not edit.
package dev.longscan;

/**
 * CPU kernels of the dense scan h_t = J_t h_{t-1} + b_t for float32 data, over the series
 * [s0, s1) of a batch and the steps [lo, hi) (time indices). Layouts (time-major, row-major
 * matrices): transitions [T, B, n, n], J_t of series s, row r, column c at
 * {@code jo + ((t * B + s) * n + r) * n + c}; vectors [T, B, n] at {@code off + (t * B + s) * n + r}.
 * Arithmetic in float64; states and summaries are float64 arrays [B, n] and [B, n, n] indexed by
 * series. DenseKernels32, for float32 data, is generated from this file by
 * core/src/build/gen-dense-kernels32.sh (data arrays become float[], arithmetic stays float64).
 * Trusts its arguments (validated by {@link DenseScan}).
 */
final class DenseKernels32 {
  private DenseKernels32() {}

  /**
   * Scans series [s0, s1) over steps [lo, hi) in scan order from the states in {@code state}
   * (those of series s0 to s1, [s1 − s0, n]: each worker keeps its own, so that no two threads
   * write one cache line every step), writing every h_t into Ov and leaving the last one in state.
   * {@code tmp} holds at least n values.
   */
  static void scan(float[] Jm, int jo, float[] Bv, int bo, float[] Ov, int oo, int batch, int n,
      int s0, int s1, int lo, int hi, boolean rev, double[] state, double[] tmp) {
    int vs = batch * n;
    int ms = batch * n * n;
    if (n == 1) {
      for (int p = lo; p < hi; p++) {
        int t = rev ? hi - 1 - (p - lo) : p;
        int v = t * vs;
        for (int s = s0; s < s1; s++) {
          double h = Jm[jo + v + s] * state[s - s0] + Bv[bo + v + s];
          state[s - s0] = h;
          Ov[oo + v + s] = (float) h;
        }
      }
      return;
    }
    for (int p = lo; p < hi; p++) {
      int t = rev ? hi - 1 - (p - lo) : p;
      step(Jm, jo + t * ms, Bv, bo + t * vs, Ov, oo + t * vs, n, s0, s1, state, tmp);
    }
  }

  /**
   * One step of series [s0, s1) (J_t at jt, b_t at bt, h_t at ot): its own method, called once per
   * step, so that the JIT compiles it whole rather than only the long loop around it.
   */
  private static void step(float[] Jm, int jt, float[] Bv, int bt, float[] Ov, int ot, int n,
      int s0, int s1, double[] state, double[] tmp) {
    for (int s = s0; s < s1; s++) {
      int v = s * n;
      int m = jt + s * n * n;
      int so = (s - s0) * n;
      if (n == 2) {
        double x0 = state[so];
        double x1 = state[so + 1];
        double h0 = Bv[bt + v] + (Jm[m] * x0 + Jm[m + 1] * x1);
        double h1 = Bv[bt + v + 1] + (Jm[m + 2] * x0 + Jm[m + 3] * x1);
        state[so] = h0;
        state[so + 1] = h1;
        Ov[ot + v] = (float) h0;
        Ov[ot + v + 1] = (float) h1;
        continue;
      }
      matvec(Jm, m, state, so, n, tmp);
      for (int r = 0; r < n; r++) {
        double h = Bv[bt + v + r] + tmp[r];
        state[so + r] = h;
        Ov[ot + v + r] = (float) h;
      }
    }
  }

  /**
   * y = M x for the n×n row-major block of M at m: four rows at a time, so that each load of x
   * feeds four independent sums; the rows left over as dot products.
   */
  private static void matvec(float[] Mx, int m, double[] x, int xo, int n, double[] y) {
    int r = 0;
    for (; r + 4 <= n; r += 4) {
      int r0 = m + r * n;
      int r1 = r0 + n;
      int r2 = r1 + n;
      int r3 = r2 + n;
      double a0 = 0;
      double a1 = 0;
      double a2 = 0;
      double a3 = 0;
      for (int c = 0; c < n; c++) {
        double xc = x[xo + c];
        a0 += Mx[r0 + c] * xc;
        a1 += Mx[r1 + c] * xc;
        a2 += Mx[r2 + c] * xc;
        a3 += Mx[r3 + c] * xc;
      }
      y[r] = a0;
      y[r + 1] = a1;
      y[r + 2] = a2;
      y[r + 3] = a3;
    }
    for (; r < n; r++) {
      y[r] = dot(Mx, m + r * n, x, xo, n);
    }
  }

  /** Σ_c M[row + c] x[xo + c], in four partial sums. */
  private static double dot(float[] Mx, int row, double[] x, int xo, int n) {
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    int c = 0;
    for (; c + 4 <= n; c += 4) {
      a0 += Mx[row + c] * x[xo + c];
      a1 += Mx[row + c + 1] * x[xo + c + 1];
      a2 += Mx[row + c + 2] * x[xo + c + 2];
      a3 += Mx[row + c + 3] * x[xo + c + 3];
    }
    for (; c < n; c++) {
      a0 += Mx[row + c] * x[xo + c];
    }
    return (a0 + a1) + (a2 + a3);
  }

  /**
   * Composes steps [lo, hi) of series [s0, s1) in scan order into their summaries: on entry
   * {@code sj} ([s1 − s0, n, n]) and {@code sb} ([s1 − s0, n]) hold the summaries of what came
   * before (the
   * identity for a chunk of its own); on exit, those followed by these steps. {@code tmp} holds at
   * least n·n values.
   */
  static void reduce(float[] Jm, int jo, float[] Bv, int bo, int batch, int n, int s0, int s1,
      int lo, int hi, boolean rev, double[] sj, double[] sb, double[] tmp) {
    int vs = batch * n;
    int ms = batch * n * n;
    int nn = n * n;
    if (n == 1) {
      for (int p = lo; p < hi; p++) {
        int t = rev ? hi - 1 - (p - lo) : p;
        int v = t * vs;
        for (int s = s0; s < s1; s++) {
          double j = Jm[jo + v + s];
          sj[s - s0] = j * sj[s - s0];
          sb[s - s0] = j * sb[s - s0] + Bv[bo + v + s];
        }
      }
      return;
    }
    for (int p = lo; p < hi; p++) {
      int t = rev ? hi - 1 - (p - lo) : p;
      for (int s = s0; s < s1; s++) {
        int m = jo + t * ms + s * nn;
        int a = (s - s0) * nn;
        // tmp = J_t · A (each output row accumulates rows of A scaled by J_t's entries)
        for (int r = 0; r < n; r++) {
          int orow = r * n;
          double jr0 = Jm[m + r * n];
          for (int c = 0; c < n; c++) {
            tmp[orow + c] = jr0 * sj[a + c];
          }
          for (int k = 1; k < n; k++) {
            double jrk = Jm[m + r * n + k];
            int arow = a + k * n;
            for (int c = 0; c < n; c++) {
              tmp[orow + c] += jrk * sj[arow + c];
            }
          }
        }
        for (int i = 0; i < nn; i++) {
          sj[a + i] = tmp[i];
        }
        // b ← J_t b + b_t
        int so = (s - s0) * n;
        int v = bo + t * vs + s * n;
        matvec(Jm, m, sb, so, n, tmp);
        for (int r = 0; r < n; r++) {
          sb[so + r] = Bv[v + r] + tmp[r];
        }
      }
    }
  }

  /**
   * The backward pass of series [s0, s1) over scan steps [lo, hi) (time indices of a scan over
   * all {@code steps}), walked from the last in scan order to the first. On entry {@code u}
   * ([s1 − s0, n]) holds ∂L/∂h at the last of these steps from the steps after them (J_{p+1}ᵀ δ_{p+1};
   * zeros at the end); for each step δ = g + u, ∂L/∂b = δ, ∂L/∂J = δ h_prevᵀ (h_prev the state
   * before the step in scan order, {@code h0} before the first), and u ← Jᵀ δ; on exit u holds
   * J_firstᵀ δ_first, which for lo = first step is ∂L/∂h0. {@code tmp} holds at least n values.
   */
  static void backward(float[] Jm, int jo, float[] Hv, int ho, float[] Gv, int go,
      float[] GJ, int gjo, float[] GB, int gbo, int batch, int n, int s0, int s1, int steps,
      int lo, int hi, boolean rev, double[] h0, double[] u, double[] tmp) {
    int vs = batch * n;
    int ms = batch * n * n;
    for (int q = hi - 1; q >= lo; q--) {
      // q counts scan steps from lo; its time index and the one before it in scan order
      int t = rev ? hi - 1 - (q - lo) : q;
      boolean first = rev ? t == steps - 1 : t == 0;
      int tp = rev ? t + 1 : t - 1;
      backStep(Jm, jo + t * ms, Hv, first ? -1 : ho + tp * vs, Gv, go + t * vs, GJ, gjo + t * ms,
          GB, gbo + t * vs, n, s0, s1, h0, u, tmp);
    }
  }

  /**
   * One step of the backward pass for series [s0, s1): J_t at jt, h_{t-1} at hp (or, when hp is
   * negative, h0), g_t at gt, ∂L/∂J_t at gjt, ∂L/∂b_t at gbt (its own method, called once per
   * step, so that the JIT compiles it whole).
   */
  private static void backStep(float[] Jm, int jt, float[] Hv, int hp, float[] Gv, int gt,
      float[] GJ, int gjt, float[] GB, int gbt, int n, int s0, int s1, double[] h0, double[] u,
      double[] tmp) {
    int nn = n * n;
    for (int s = s0; s < s1; s++) {
      int so = s * n;
      int uo = (s - s0) * n;
      int m = s * nn;
      for (int r = 0; r < n; r++) {
        double d = Gv[gt + so + r] + u[uo + r];
        tmp[r] = d;
        GB[gbt + so + r] = (float) d;
      }
      for (int r = 0; r < n; r++) {
        double d = tmp[r];
        int grow = gjt + m + r * n;
        if (hp < 0) {
          for (int c = 0; c < n; c++) {
            GJ[grow + c] = (float) (d * (h0 == null ? 0.0 : h0[so + c]));
          }
        } else {
          for (int c = 0; c < n; c++) {
            GJ[grow + c] = (float) (d * Hv[hp + so + c]);
          }
        }
      }
      // u = J_tᵀ δ: rows of J_t scaled by δ's entries
      int jrow = jt + m;
      double d0 = tmp[0];
      for (int c = 0; c < n; c++) {
        u[uo + c] = Jm[jrow + c] * d0;
      }
      for (int r = 1; r < n; r++) {
        double d = tmp[r];
        int row = jrow + r * n;
        for (int c = 0; c < n; c++) {
          u[uo + c] += Jm[row + c] * d;
        }
      }
    }
  }
}
