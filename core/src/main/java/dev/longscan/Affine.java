package dev.longscan;

import java.util.List;

/**
 * The algebra every backend and the Spark driver share (Martin &amp; Cundy 2018, §2; Blelloch 1990).
 *
 * <p>An element is the affine map e = (a, b): h ↦ a ⊙ h + b. Applying e1 then e2 is
 * {@code e1 ▷ e2 = (a2 ⊙ a1, a2 ⊙ b1 + b2)}; ▷ is associative, not commutative, with identity
 * (1, 0). With segment restarts an element carries a flag f: {@code e1 ▷ e2 = e2} when f2, else
 * {@code (a2 a1, a2 b1 + b2, f1)} — still associative, so the three phases (reduce chunks to
 * summaries, exclusive scan of the summaries, apply each chunk from its carry) work unchanged
 * across chunk, thread, GPU-block and Spark-partition boundaries.
 *
 * <p>Stateless; every method is deterministic (a fixed order of operations for a given input).
 */
public final class Affine {
  private Affine() {}

  /** {@code first ▷ second}: the summary of {@code first}'s chunk followed by {@code second}'s. */
  public static Summary compose(Summary first, Summary second) {
    Checks.notNull(first, "first");
    Checks.notNull(second, "second");
    if (first.width() != second.width()) {
      throw new ShapeException("expected summaries of equal width, found " + first.width()
          + " and " + second.width());
    }
    if (second.resets()) {
      return second;
    }
    double[] a1 = first.rawA();
    double[] b1 = first.rawB();
    double[] a2 = second.rawA();
    double[] b2 = second.rawB();
    double[] a = new double[a1.length];
    double[] b = new double[a1.length];
    for (int c = 0; c < a.length; c++) {
      a[c] = a2[c] * a1[c];
      b[c] = a2[c] * b1[c] + b2[c];
    }
    return new Summary(a, b, first.resets());
  }

  /**
   * Composes the summaries in order ({@code s0 ▷ s1 ▷ …}) by a balanced tree of pairs, so that a
   * driver with many summaries does O(log n) dependent steps. Empty list: identity of
   * {@code width}.
   */
  public static Summary composeAll(List<Summary> inOrder, int width) {
    Checks.notNull(inOrder, "summaries");
    if (inOrder.isEmpty()) {
      return Summary.identity(width);
    }
    Summary[] level = inOrder.toArray(new Summary[0]);
    for (int i = 0; i < level.length; i++) {
      if (level[i] == null) {
        throw new ShapeException("expected no null summaries, found null at index " + i);
      }
    }
    int n = level.length;
    while (n > 1) {
      int m = 0;
      for (int i = 0; i < n; i += 2) {
        level[m++] = i + 1 < n ? compose(level[i], level[i + 1]) : level[i];
      }
      n = m;
    }
    return level[0];
  }

  /**
   * The carries: {@code result[k]} is the state entering chunk k, given {@code h0} (null = zeros)
   * entering chunk 0; {@code result[n]} is the state after the last chunk. This is phase 2 of the
   * three-phase scan (the "driver-level associative reduce").
   */
  public static double[][] exclusiveScan(List<Summary> inOrder, double[] h0, int width) {
    Checks.notNull(inOrder, "summaries");
    if (h0 != null && h0.length != width) {
      throw new ShapeException("expected h0 of width " + width + ", found " + h0.length);
    }
    double[][] carries = new double[inOrder.size() + 1][];
    carries[0] = h0 == null ? new double[width] : h0.clone();
    for (int k = 0; k < inOrder.size(); k++) {
      Summary s = inOrder.get(k);
      if (s == null) {
        throw new ShapeException("expected no null summaries, found null at index " + k);
      }
      if (s.width() != width) {
        throw new ShapeException("expected summaries of width " + width + ", found width "
            + s.width() + " at index " + k);
      }
      carries[k + 1] = new double[width];
      applyInto(s.rawA(), s.rawB(), s.resets(), carries[k], carries[k + 1]);
    }
    return carries;
  }

  /** out = resets ? b : a ⊙ h + b (out may be h). */
  static void applyInto(double[] a, double[] b, boolean resets, double[] h, double[] out) {
    if (resets) {
      System.arraycopy(b, 0, out, 0, b.length);
      return;
    }
    for (int c = 0; c < a.length; c++) {
      out[c] = a[c] * h[c] + b[c];
    }
  }

  /** Same as {@link #applyInto} on flat arrays at offsets (used by the kernels' carry chains). */
  static void applyInto(double[] a, double[] b, int off, boolean resets, double[] h, int hOff,
      double[] out, int outOff, int width) {
    if (resets) {
      System.arraycopy(b, off, out, outOff, width);
      return;
    }
    for (int c = 0; c < width; c++) {
      out[outOff + c] = a[off + c] * h[hOff + c] + b[off + c];
    }
  }
}
