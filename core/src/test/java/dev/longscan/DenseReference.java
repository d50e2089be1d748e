package dev.longscan;

import java.util.SplittableRandom;

/**
 * The dense recurrence written out one step at a time in float64 (the oracle of the dense tests),
 * and seeded inputs in the dense layouts ([T, B, n] vectors, [T, B, n, n] row-major matrices).
 */
final class DenseReference {
  private DenseReference() {}

  /** Transitions with entries uniform in ±1.5/√n: spectral radius about 0.87, sign-changing. */
  static Sequence transitions(Precision p, int steps, int batch, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Sequence s = Sequence.allocate(p, steps, batch * n * n);
    double scale = 1.5 / Math.sqrt(n);
    for (int t = 0; t < steps; t++) {
      for (int c = 0; c < batch * n * n; c++) {
        s.set(t, c, scale * (2 * r.nextDouble() - 1));
      }
    }
    return s;
  }

  static int at(boolean rev, int p, int steps) {
    return rev ? steps - 1 - p : p;
  }

  /** h in float64, [T, B, n] as a FLOAT64 sequence. */
  static Sequence scan(int n, Sequence j, Sequence b, double[] h0, boolean rev) {
    int steps = b.steps();
    int batch = b.width() / n;
    Sequence out = Sequence.allocate(Precision.FLOAT64, steps, batch * n);
    for (int s = 0; s < batch; s++) {
      double[] h = new double[n];
      for (int r = 0; r < n; r++) {
        h[r] = h0 == null ? 0 : h0[s * n + r];
      }
      for (int p = 0; p < steps; p++) {
        int t = at(rev, p, steps);
        double[] next = new double[n];
        for (int r = 0; r < n; r++) {
          double acc = b.get(t, s * n + r);
          for (int c = 0; c < n; c++) {
            acc += j.get(t, (s * n + r) * n + c) * h[c];
          }
          next[r] = acc;
        }
        h = next;
        for (int r = 0; r < n; r++) {
          out.set(t, s * n + r, h[r]);
        }
      }
    }
    return out;
  }

  /** Gradients {gradJ, gradB} as FLOAT64 sequences; gradH0 written when not null. */
  static Sequence[] backward(int n, Sequence j, Sequence h, Sequence g, double[] h0, boolean rev,
      double[] gradH0) {
    int steps = h.steps();
    int batch = h.width() / n;
    Sequence gj = Sequence.allocate(Precision.FLOAT64, steps, batch * n * n);
    Sequence gb = Sequence.allocate(Precision.FLOAT64, steps, batch * n);
    for (int s = 0; s < batch; s++) {
      double[] delta = new double[n];
      for (int p = steps - 1; p >= 0; p--) {
        int t = at(rev, p, steps);
        double[] d = new double[n];
        for (int r = 0; r < n; r++) {
          d[r] = g.get(t, s * n + r);
          if (p + 1 < steps) {
            int tn = at(rev, p + 1, steps);
            for (int q = 0; q < n; q++) {
              d[r] += j.get(tn, (s * n + q) * n + r) * delta[q];
            }
          }
        }
        delta = d;
        for (int r = 0; r < n; r++) {
          gb.set(t, s * n + r, d[r]);
          for (int c = 0; c < n; c++) {
            double prev = p == 0 ? (h0 == null ? 0 : h0[s * n + c])
                : h.get(at(rev, p - 1, steps), s * n + c);
            gj.set(t, (s * n + r) * n + c, d[r] * prev);
          }
        }
        if (p == 0 && gradH0 != null) {
          for (int c = 0; c < n; c++) {
            double acc = 0;
            for (int r = 0; r < n; r++) {
              acc += j.get(t, (s * n + r) * n + c) * d[r];
            }
            gradH0[s * n + c] = acc;
          }
        }
      }
      if (steps == 0 && gradH0 != null) {
        for (int c = 0; c < n; c++) {
          gradH0[s * n + c] = 0;
        }
      }
    }
    return new Sequence[] {gj, gb};
  }
}
