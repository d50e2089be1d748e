package dev.longscan;

import dev.longscan.algebra.Algebra;

/**
 * The oracle: the recurrence written out one step at a time, in float64 whatever the data's
 * precision, with no chunking. Slow on purpose; every other backend is tested against it.
 */
final class ReferenceBackend extends Backend {
  static final ReferenceBackend INSTANCE = new ReferenceBackend();

  private ReferenceBackend() {}

  @Override
  public String name() {
    return "reference";
  }

  @Override
  public String describe() {
    return "reference (sequential, float64 accumulation)";
  }

  /** Time index of the p-th step in scan order. */
  private static int at(ScanOptions o, int p, int steps) {
    return o.isReverse() ? steps - 1 - p : p;
  }

  /** The steps composed one at a time with the diagonal algebra, in scan order. */
  @Override
  protected Summary doReduce(Sequence a, Sequence b, ScanOptions o) {
    int n = a.steps();
    int w = a.width();
    Algebra<Summary> algebra = Affine.algebra(w);
    Summary acc = algebra.identity();
    for (int p = 0; p < n; p++) {
      int t = at(o, p, n);
      boolean restart = o.restartsAt(t);
      double[] sa = new double[w];
      double[] sb = new double[w];
      for (int c = 0; c < w; c++) {
        double at = a.get(t, c);
        // a restart is the constant map to a_t ⊙ h0 + b_t
        sa[c] = restart ? 0.0 : at;
        sb[c] = restart ? at * o.initialState(c) + b.get(t, c) : b.get(t, c);
      }
      acc = algebra.compose(acc, new Summary(sa, sb, restart));
    }
    return acc;
  }

  @Override
  protected void doApply(Sequence a, Sequence b, double[] carry, ScanOptions o, Sequence out) {
    int n = a.steps();
    int w = a.width();
    double[] h = carry.clone();
    for (int p = 0; p < n; p++) {
      int t = at(o, p, n);
      boolean restart = o.restartsAt(t);
      for (int c = 0; c < w; c++) {
        double prev = restart ? o.initialState(c) : h[c];
        h[c] = a.get(t, c) * prev + b.get(t, c);
        out.set(t, c, h[c]);
      }
    }
  }

  @Override
  protected void doBackward(Sequence a, Sequence h, Sequence gradH, ScanOptions o, Sequence gradA,
      Sequence gradB, double[] gradH0) {
    int n = a.steps();
    int w = a.width();
    double[] g0 = new double[w];
    double[] delta = new double[w];
    // walk the scan order backwards: delta_p = g_p + [p+1 continues from p] a_{p+1} delta_{p+1}
    for (int p = n - 1; p >= 0; p--) {
      int t = at(o, p, n);
      boolean nextContinues = p + 1 < n && !o.restartsAt(at(o, p + 1, n));
      int tn = p + 1 < n ? at(o, p + 1, n) : -1;
      boolean fromH0 = p == 0 || o.restartsAt(t);
      int tp = p > 0 ? at(o, p - 1, n) : -1;
      for (int c = 0; c < w; c++) {
        double d = gradH.get(t, c) + (nextContinues ? a.get(tn, c) * delta[c] : 0.0);
        delta[c] = d;
        double prev = fromH0 ? o.initialState(c) : h.get(tp, c);
        gradA.set(t, c, prev * d);
        gradB.set(t, c, d);
        if (fromH0) {
          g0[c] += a.get(t, c) * d;
        }
      }
    }
    if (gradH0 != null) {
      System.arraycopy(g0, 0, gradH0, 0, w);
    }
  }
}
