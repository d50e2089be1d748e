package dev.longscan.spark;

import dev.longscan.Precision;
import dev.longscan.Sequence;

/**
 * Scan-then-propagate, the kept-states form for backends that do not guess (the GPU): phase 1
 * keeps the backend's scan from a zero state, h⁰, and phase 3 turns it into the scan from the
 * carry c by h_t = h⁰_t + A_t ⊙ c, where A_t is the product of the multipliers from the chunk's
 * first step (in scan order) to step t. Once A_t is zero in every channel, the carry's trace has
 * vanished in the chunk's precision and every later state is h⁰ itself, so the correction stops
 * there.
 *
 * <p>That stop is exact only when no later multiplier is infinite or NaN, and the correction
 * itself only when no state from zero overflows: a chunk qualifies when its last state from zero
 * (in scan order) is finite in every channel (a non-finite multiplier or an overflow anywhere
 * leaves it non-finite) and its product is finite. {@link #qualifies} decides it in phase 1; a
 * chunk that does not qualify is rescanned by its backend in phase 3. All arithmetic is in the
 * chunk's precision, in one fixed order, so results are deterministic.
 */
final class Propagation {
  private Propagation() {}

  /**
   * Runs the product over the steps of {@code a} in scan order (forward: first to last; reverse:
   * last to first), starting from {@code prod} (updated in place), and where {@code h} is not
   * null (same shape as a) adds A_t ⊙ carry to its step t. With {@code mayStop} it stops after
   * the first step whose product is zero in every channel. Returns the steps it ran.
   */
  static int run(Sequence a, Sequence h, double[] carry, boolean reverse, boolean mayStop,
      double[] prod) {
    int n = a.steps();
    int w = a.width();
    if (a.precision() == Precision.FLOAT32) {
      float[] av = a.floatArray();
      int ao = a.offset();
      float[] hv = h == null ? null : h.floatArray();
      int ho = h == null ? 0 : h.offset();
      float[] p = new float[w];
      float[] c = new float[w];
      for (int d = 0; d < w; d++) {
        p[d] = (float) prod[d];
        c[d] = h == null ? 0f : (float) carry[d];
      }
      int i = 0;
      while (i < n) {
        int t = reverse ? n - 1 - i : i;
        boolean zero = true;
        for (int d = 0; d < w; d++) {
          float x = p[d] * av[ao + t * w + d];
          p[d] = x;
          if (hv != null) {
            hv[ho + t * w + d] += x * c[d];
          }
          zero &= x == 0f;
        }
        i++;
        if (mayStop && zero) {
          break;
        }
      }
      for (int d = 0; d < w; d++) {
        prod[d] = p[d];
      }
      return i;
    }
    double[] av = a.doubleArray();
    int ao = a.offset();
    double[] hv = h == null ? null : h.doubleArray();
    int ho = h == null ? 0 : h.offset();
    int i = 0;
    while (i < n) {
      int t = reverse ? n - 1 - i : i;
      boolean zero = true;
      for (int d = 0; d < w; d++) {
        double x = prod[d] * av[ao + t * w + d];
        prod[d] = x;
        if (hv != null) {
          hv[ho + t * w + d] += x * carry[d];
        }
        zero &= x == 0.0;
      }
      i++;
      if (mayStop && zero) {
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
   * until the product is zero in every channel.
   */
  static double[] qualifies(Sequence a, Sequence h0, boolean reverse) {
    if (!finite(last(h0, reverse))) {
      return null;
    }
    double[] prod = ones(a.width());
    run(a, null, null, reverse, true, prod);
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
