package dev.longscan.spark;

import dev.longscan.Precision;
import dev.longscan.Sequence;

/**
 * Scan-then-propagate, the kept-states form for backends that do not guess (the GPU): phase 1
 * keeps the backend's scan from a zero state, h⁰, and phase 3 turns it into the scan from the
 * carry c by h_t = h⁰_t + A_t ⊙ c, where A_t is the product of the multipliers from the chunk's
 * first step (in scan order) to step t.
 *
 * <p>Both the product and the correction are computed in float64 and in one fixed order, so the
 * results are deterministic. Products below the smallest normal value of the chunk's precision
 * count as zero, as core's reduce flushes them (it only scales the state entering the chunk; and
 * a product of multipliers above one half would otherwise stick at the least subnormal value, on
 * which every multiply is slow). Phase
 * 3 stops where the correction is below {@link #tolerance} of the state in every channel: there
 * the corrected state is the state from zero, rounded, which is where a rescan from the carry
 * meets the scan from zero too, and the rest of the trace is smaller than that step's rounding
 * carried forward.
 *
 * <p>A chunk qualifies ({@link #qualifies}) when its last state from zero (in scan order) is
 * finite in every channel and its product is finite, for the correction would be wrong where a
 * state from zero is not: an overflow, a non-finite addend, or a non-finite multiplier after the
 * first step leaves that last state non-finite, and a non-finite first multiplier (which a
 * backend may never multiply by the zero state) the product. A chunk that does not qualify is
 * rescanned by its backend in phase 3.
 */
final class Propagation {
  private Propagation() {}

  /**
   * The correction stops where it is at most this fraction of the state: a quarter of the
   * precision's unit roundoff (2^-26 for float32, 2^-55 for float64), so that adding it leaves
   * the state as it is.
   */
  static double tolerance(Precision p) {
    return p == Precision.FLOAT32 ? 0x1p-26 : 0x1p-55;
  }

  /**
   * Phase 3: runs A_t over the steps of {@code a} in scan order (forward: first to last; reverse:
   * last to first) and, with {@code write}, adds A_t ⊙ carry to step t of {@code h} (same shape,
   * the states from zero), until the correction is within {@link #tolerance} of the state in
   * every channel. Returns the steps it ran (those it wrote, with {@code write}); without write,
   * it only finds that count.
   */
  static int propagate(Sequence a, Sequence h, double[] carry, boolean reverse, boolean write) {
    int n = a.steps();
    int w = a.width();
    double tol = tolerance(h.precision());
    double[] prod = ones(w);
    boolean f32 = a.precision() == Precision.FLOAT32;
    double tiny = f32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    float[] af = f32 ? a.floatArray() : null;
    double[] ad = f32 ? null : a.doubleArray();
    float[] hf = f32 ? h.floatArray() : null;
    double[] hd = f32 ? null : h.doubleArray();
    int ao = a.offset();
    int ho = h.offset();
    int i = 0;
    while (i < n) {
      int t = reverse ? n - 1 - i : i;
      boolean small = true;
      for (int d = 0; d < w; d++) {
        double x = prod[d] * (f32 ? af[ao + t * w + d] : ad[ao + t * w + d]);
        if (Math.abs(x) < tiny) {
          x = 0;
        }
        prod[d] = x;
        double corr = x * carry[d];
        int at = ho + t * w + d;
        double s = f32 ? hf[at] : hd[at];
        small &= Math.abs(corr) <= tol * Math.abs(s);
        if (write) {
          if (f32) {
            hf[at] = (float) (s + corr);
          } else {
            hd[at] = s + corr;
          }
        }
      }
      i++;
      if (small) {
        break;
      }
    }
    return i;
  }

  /** The last state in scan order (the summary's b) of a chunk's states h. */
  static double[] last(Sequence h, boolean reverse) {
    double[] s = new double[h.width()];
    int t = reverse ? 0 : h.steps() - 1;
    for (int d = 0; d < s.length; d++) {
      s[d] = h.get(t, d);
    }
    return s;
  }

  /**
   * The product of a chunk's multipliers (its summary's a) when the chunk qualifies for
   * propagation given its states from zero {@code h0}, else null. Reads the multipliers only
   * until the product is zero in every channel (finite multipliers keep it zero; a non-finite
   * one later would have left the last state from zero non-finite).
   */
  static double[] qualifies(Sequence a, Sequence h0, boolean reverse) {
    if (!finite(last(h0, reverse))) {
      return null;
    }
    int n = a.steps();
    int w = a.width();
    boolean f32 = a.precision() == Precision.FLOAT32;
    float[] af = f32 ? a.floatArray() : null;
    double[] ad = f32 ? null : a.doubleArray();
    int ao = a.offset();
    double tiny = f32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    double[] prod = ones(w);
    for (int i = 0; i < n; i++) {
      int at = ao + (reverse ? n - 1 - i : i) * w;
      boolean zero = true;
      for (int d = 0; d < w; d++) {
        double x = prod[d] * (f32 ? af[at + d] : ad[at + d]);
        if (Math.abs(x) < tiny) {
          x = 0;
        }
        prod[d] = x;
        zero &= x == 0;
      }
      if (zero) {
        break;
      }
    }
    return finite(prod) ? prod : null;
  }

  static double[] ones(int width) {
    double[] p = new double[width];
    java.util.Arrays.fill(p, 1.0);
    return p;
  }

  private static boolean finite(double[] x) {
    for (double v : x) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
