package dev.longscan;

import dev.longscan.algebra.Algebra;
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
 * <p>The same operator as an {@link Algebra} ({@link #algebra}): the generic carry scan and CPU
 * chunk pipeline use it there; the dense n×n algebra is {@link
 * dev.longscan.algebra.DenseSummary#algebra}.
 *
 * <p>Stateless; every method is deterministic (a fixed order of operations for a given input).
 */
public final class Affine {
  private Affine() {}

  /**
   * The diagonal algebra of summaries of {@code width} channels, for code written once against
   * {@link Algebra} (the carry scan, the CPU chunk pipeline): the same operator as
   * {@link #compose}.
   */
  public static Algebra<Summary> algebra(int width) {
    return new DiagonalAlgebra(width);
  }

  /** {@code first ▷ second}: the summary of {@code first}'s chunk followed by {@code second}'s. */
  public static Summary compose(Summary first, Summary second) {
    Checks.notNull(first, "first");
    Checks.notNull(second, "second");
    if (first.width() != second.width()) {
      throw new ShapeException("expected summaries of equal width, found " + first.width()
          + " and " + second.width());
    }
    return new DiagonalAlgebra(first.width()).compose(first, second);
  }

  /**
   * Composes the summaries in order ({@code s0 ▷ s1 ▷ …}) by a balanced tree of pairs, so that a
   * driver with many summaries does O(log n) dependent steps. Empty list: identity of
   * {@code width}.
   */
  public static Summary composeAll(List<Summary> inOrder, int width) {
    Checks.notNull(inOrder, "summaries");
    return algebra(width).composeAll(inOrder);
  }

  /**
   * The carries: {@code result[k]} is the state entering chunk k, given {@code h0} (null = zeros)
   * entering chunk 0; {@code result[n]} is the state after the last chunk. This is phase 2 of the
   * three-phase scan (the "driver-level associative reduce").
   */
  public static double[][] exclusiveScan(List<Summary> inOrder, double[] h0, int width) {
    Checks.notNull(inOrder, "summaries");
    return algebra(width).exclusiveScan(inOrder, h0);
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
