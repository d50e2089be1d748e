package dev.longscan;

/**
 * GENERATED from Kernels32.java by core/src/build/gen-kernels64.sh: do not edit. CPU kernels for
 * float64 data over one chunk of steps [lo, hi). Trusts its arguments (validated by
 * {@link Backend}). The float64 twin is generated from this file by
 * core/src/build/gen-kernels64.sh.
 *
 * <p>One channel without segments (the long-series case) runs four independent lanes of the
 * recurrence over four quarters of the chunk, so the CPU overlaps four dependency chains instead
 * of waiting on one multiply-add at a time.
 */
final class Kernels64 {
  private Kernels64() {}

  /**
   * Summary of [lo, hi) in scan order into sa/sb[so, so + w); returns whether it restarts. With
   * {@code lanes != null} (one channel, no segments) the four lane summaries are left in
   * {@code lanes[0..8)} as (A0, B0, A1, B1, …) for {@link #apply}.
   */
  static boolean reduce(double[] a, int ao, double[] b, int bo, int w, int lo, int hi,
      ScanOptions o, double[] sa, double[] sb, int so, double[] lanes) {
    boolean rev = o.isReverse();
    if (w == 1 && !o.isSegmented() && lanes != null) {
      reduceLanes(a, ao, b, bo, lo, hi, rev, lanes);
      double aa = 1.0;
      double bb = 0.0;
      for (int j = 0; j < 4; j++) {
        double la = lanes[2 * j];
        aa = la * aa;
        bb = la * bb + lanes[2 * j + 1];
      }
      sa[so] = aa;
      sb[so] = bb;
      return false;
    }
    for (int c = 0; c < w; c++) {
      sa[so + c] = 1.0;
      sb[so + c] = 0.0;
    }
    boolean seg = o.isSegmented();
    boolean resets = false;
    int n = hi - lo;
    for (int p = 0; p < n; p++) {
      int t = rev ? hi - 1 - p : lo + p;
      int ia = ao + t * w;
      int ib = bo + t * w;
      if (seg && o.restartsAt(t)) {
        resets = true;
        for (int c = 0; c < w; c++) {
          sa[so + c] = 0.0;
          sb[so + c] = (double) a[ia + c] * o.initialState(c) + b[ib + c];
        }
      } else {
        for (int c = 0; c < w; c++) {
          double x = a[ia + c];
          sa[so + c] = x * sa[so + c];
          sb[so + c] = x * sb[so + c] + b[ib + c];
        }
      }
    }
    return resets;
  }

  private static void reduceLanes(double[] a, int ao, double[] b, int bo, int lo, int hi,
      boolean rev, double[] lanes) {
    int n = hi - lo;
    int m = n >> 2;
    double a0 = 1, a1 = 1, a2 = 1, a3 = 1;
    double b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    if (!rev) {
      int p0 = lo, p1 = lo + m, p2 = lo + 2 * m, p3 = lo + 3 * m;
      for (int s = 0; s < m; s++) {
        double x0 = a[ao + p0 + s], x1 = a[ao + p1 + s], x2 = a[ao + p2 + s], x3 = a[ao + p3 + s];
        a0 *= x0;
        a1 *= x1;
        a2 *= x2;
        a3 *= x3;
        b0 = x0 * b0 + b[bo + p0 + s];
        b1 = x1 * b1 + b[bo + p1 + s];
        b2 = x2 * b2 + b[bo + p2 + s];
        b3 = x3 * b3 + b[bo + p3 + s];
      }
      for (int t = lo + 4 * m; t < hi; t++) {
        double x = a[ao + t];
        a3 *= x;
        b3 = x * b3 + b[bo + t];
      }
    } else {
      int p0 = hi - 1, p1 = hi - 1 - m, p2 = hi - 1 - 2 * m, p3 = hi - 1 - 3 * m;
      for (int s = 0; s < m; s++) {
        double x0 = a[ao + p0 - s], x1 = a[ao + p1 - s], x2 = a[ao + p2 - s], x3 = a[ao + p3 - s];
        a0 *= x0;
        a1 *= x1;
        a2 *= x2;
        a3 *= x3;
        b0 = x0 * b0 + b[bo + p0 - s];
        b1 = x1 * b1 + b[bo + p1 - s];
        b2 = x2 * b2 + b[bo + p2 - s];
        b3 = x3 * b3 + b[bo + p3 - s];
      }
      for (int t = hi - 1 - 4 * m; t >= lo; t--) {
        double x = a[ao + t];
        a3 *= x;
        b3 = x * b3 + b[bo + t];
      }
    }
    lanes[0] = a0;
    lanes[1] = b0;
    lanes[2] = a1;
    lanes[3] = b1;
    lanes[4] = a2;
    lanes[5] = b2;
    lanes[6] = a3;
    lanes[7] = b3;
  }

  /**
   * Rescans [lo, hi) from carry[co, co + w), writing out. {@code lanes}: the lane summaries left
   * by {@link #reduce} for this chunk, or null for one plain pass.
   */
  static void apply(double[] a, int ao, double[] b, int bo, double[] out, int oo, int w, int lo,
      int hi, ScanOptions o, double[] carry, int co, double[] lanes) {
    boolean rev = o.isReverse();
    if (w == 1 && !o.isSegmented()) {
      if (lanes != null) {
        applyLanes(a, ao, b, bo, out, oo, lo, hi, rev, carry[co], lanes);
      } else {
        applyOne(a, ao, b, bo, out, oo, lo, hi, rev, carry[co]);
      }
      return;
    }
    double[] h = new double[w];
    double[] h0 = new double[w];
    for (int c = 0; c < w; c++) {
      h[c] = (double) carry[co + c];
      h0[c] = (double) o.initialState(c);
    }
    boolean seg = o.isSegmented();
    int n = hi - lo;
    for (int p = 0; p < n; p++) {
      int t = rev ? hi - 1 - p : lo + p;
      int ia = ao + t * w;
      int ib = bo + t * w;
      int io = oo + t * w;
      if (seg && o.restartsAt(t)) {
        for (int c = 0; c < w; c++) {
          h[c] = a[ia + c] * h0[c] + b[ib + c];
          out[io + c] = h[c];
        }
      } else {
        for (int c = 0; c < w; c++) {
          h[c] = a[ia + c] * h[c] + b[ib + c];
          out[io + c] = h[c];
        }
      }
    }
  }

  private static void applyOne(double[] a, int ao, double[] b, int bo, double[] out, int oo, int lo,
      int hi, boolean rev, double carry) {
    double h = (double) carry;
    if (!rev) {
      for (int t = lo; t < hi; t++) {
        h = a[ao + t] * h + b[bo + t];
        out[oo + t] = h;
      }
    } else {
      for (int t = hi - 1; t >= lo; t--) {
        h = a[ao + t] * h + b[bo + t];
        out[oo + t] = h;
      }
    }
  }

  private static void applyLanes(double[] a, int ao, double[] b, int bo, double[] out, int oo,
      int lo, int hi, boolean rev, double carry, double[] lanes) {
    int n = hi - lo;
    int m = n >> 2;
    double c1 = lanes[0] * carry + lanes[1];
    double c2 = lanes[2] * c1 + lanes[3];
    double c3 = lanes[4] * c2 + lanes[5];
    double h0 = (double) carry, h1 = (double) c1, h2 = (double) c2, h3 = (double) c3;
    if (!rev) {
      int p0 = lo, p1 = lo + m, p2 = lo + 2 * m, p3 = lo + 3 * m;
      for (int s = 0; s < m; s++) {
        h0 = a[ao + p0 + s] * h0 + b[bo + p0 + s];
        h1 = a[ao + p1 + s] * h1 + b[bo + p1 + s];
        h2 = a[ao + p2 + s] * h2 + b[bo + p2 + s];
        h3 = a[ao + p3 + s] * h3 + b[bo + p3 + s];
        out[oo + p0 + s] = h0;
        out[oo + p1 + s] = h1;
        out[oo + p2 + s] = h2;
        out[oo + p3 + s] = h3;
      }
      for (int t = lo + 4 * m; t < hi; t++) {
        h3 = a[ao + t] * h3 + b[bo + t];
        out[oo + t] = h3;
      }
    } else {
      int p0 = hi - 1, p1 = hi - 1 - m, p2 = hi - 1 - 2 * m, p3 = hi - 1 - 3 * m;
      for (int s = 0; s < m; s++) {
        h0 = a[ao + p0 - s] * h0 + b[bo + p0 - s];
        h1 = a[ao + p1 - s] * h1 + b[bo + p1 - s];
        h2 = a[ao + p2 - s] * h2 + b[bo + p2 - s];
        h3 = a[ao + p3 - s] * h3 + b[bo + p3 - s];
        out[oo + p0 - s] = h0;
        out[oo + p1 - s] = h1;
        out[oo + p2 - s] = h2;
        out[oo + p3 - s] = h3;
      }
      for (int t = hi - 1 - 4 * m; t >= lo; t--) {
        h3 = a[ao + t] * h3 + b[bo + t];
        out[oo + t] = h3;
      }
    }
  }

  /**
   * Backward, phase 1: the summary, in gradient order (the reverse of the scan order), of the
   * δ recurrence δ_t = g_t + a_{next(t)} δ_{next(t)} over [lo, hi), where next(t) is the step
   * after t in scan order and the term is dropped where next(t) restarts or does not exist.
   */
  static boolean reduceGrad(double[] a, int ao, double[] g, int go, int w, int steps, int lo,
      int hi, ScanOptions o, double[] sa, double[] sb, int so) {
    boolean rev = o.isReverse();
    for (int c = 0; c < w; c++) {
      sa[so + c] = 1.0;
      sb[so + c] = 0.0;
    }
    boolean resets = false;
    int n = hi - lo;
    for (int q = 0; q < n; q++) {
      int t = rev ? lo + q : hi - 1 - q;
      int tn = rev ? t - 1 : t + 1;
      int ig = go + t * w;
      if (tn < 0 || tn >= steps || o.restartsAt(tn)) {
        resets = true;
        for (int c = 0; c < w; c++) {
          sa[so + c] = 0.0;
          sb[so + c] = g[ig + c];
        }
      } else {
        int ia = ao + tn * w;
        for (int c = 0; c < w; c++) {
          double x = a[ia + c];
          sa[so + c] = x * sa[so + c];
          sb[so + c] = x * sb[so + c] + g[ig + c];
        }
      }
    }
    return resets;
  }

  /**
   * Backward, phase 3 over [lo, hi): δ from {@code carry} (δ of the step after the chunk in scan
   * order), writing ∂L/∂a = h_prev ⊙ δ and ∂L/∂b = δ, and adding a_t ⊙ δ_t of the steps that
   * start from h0 into g0[g0o, g0o + w).
   */
  static void applyGrad(double[] a, int ao, double[] h, int ho, double[] g, int go, double[] ga,
      int gao, double[] gb, int gbo, int w, int steps, int lo, int hi, ScanOptions o,
      double[] carry, int co, double[] g0, int g0o) {
    boolean rev = o.isReverse();
    double[] d = new double[w];
    double[] h0 = new double[w];
    for (int c = 0; c < w; c++) {
      d[c] = (double) carry[co + c];
      h0[c] = (double) o.initialState(c);
    }
    int first = rev ? steps - 1 : 0;
    int n = hi - lo;
    for (int q = 0; q < n; q++) {
      int t = rev ? lo + q : hi - 1 - q;
      int tn = rev ? t - 1 : t + 1;
      int tp = rev ? t + 1 : t - 1;
      int ig = go + t * w;
      int iga = gao + t * w;
      int igb = gbo + t * w;
      if (tn < 0 || tn >= steps || o.restartsAt(tn)) {
        for (int c = 0; c < w; c++) {
          d[c] = g[ig + c];
        }
      } else {
        int ia = ao + tn * w;
        for (int c = 0; c < w; c++) {
          d[c] = a[ia + c] * d[c] + g[ig + c];
        }
      }
      if (t == first || o.restartsAt(t)) {
        int ia = ao + t * w;
        for (int c = 0; c < w; c++) {
          gb[igb + c] = d[c];
          ga[iga + c] = h0[c] * d[c];
          g0[g0o + c] += (double) a[ia + c] * d[c];
        }
      } else {
        int ih = ho + tp * w;
        for (int c = 0; c < w; c++) {
          gb[igb + c] = d[c];
          ga[iga + c] = h[ih + c] * d[c];
        }
      }
    }
  }
}
