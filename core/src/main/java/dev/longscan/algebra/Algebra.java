package dev.longscan.algebra;

import dev.longscan.ShapeException;
import java.util.List;

/**
 * An associative composition of affine state maps (see the package comment): what the carry scan
 * of a chunked scan needs to know about its elements. States are float64 arrays of
 * {@link #width()} values, read and written at offsets so that a chain of carries can live in one
 * array. Implementations are stateless and immutable; elements are never modified.
 *
 * @param <E> the element (a chunk's summary)
 */
public interface Algebra<E> {

  /** The number of values in a state. */
  int width();

  /** The width of the states that {@code element} maps (to check it against {@link #width()}). */
  int widthOf(E element);

  /** The identity element: the summary of an empty chunk. */
  E identity();

  /** {@code first ▷ second}: the summary of {@code first}'s chunk followed by {@code second}'s. */
  E compose(E first, E second);

  /**
   * Writes the state leaving {@code element}'s chunk, given the state entering it at
   * {@code h[hOff ..]}, into {@code out[outOff ..]}. The two ranges must be equal or disjoint.
   */
  void apply(E element, double[] h, int hOff, double[] out, int outOff);

  /**
   * Writes Aᵀ d into {@code out[outOff ..]}, where A is the linear part of {@code element}
   * (zero for a chunk that restarts): how a gradient with respect to the state leaving the chunk
   * becomes one with respect to the state entering it. The two ranges must be disjoint.
   */
  void applyTransposed(E element, double[] d, int dOff, double[] out, int outOff);

  /**
   * Composes the elements in order ({@code e0 ▷ e1 ▷ …}) by a balanced tree of pairs (O(log n)
   * dependent steps). Empty list: the identity.
   */
  default E composeAll(List<E> inOrder) {
    if (inOrder == null) {
      throw new ShapeException("expected a non-null list of summaries, found null");
    }
    if (inOrder.isEmpty()) {
      return identity();
    }
    @SuppressWarnings("unchecked")
    E[] level = (E[]) inOrder.toArray();
    for (int i = 0; i < level.length; i++) {
      check(level[i], i);
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
   * The carries of a chunked scan (its phase 2): {@code result[k]} is the state entering chunk k,
   * given {@code h0} (null = zeros) entering chunk 0; {@code result[n]} is the state after the
   * last chunk.
   */
  default double[][] exclusiveScan(List<E> inOrder, double[] h0) {
    if (inOrder == null) {
      throw new ShapeException("expected a non-null list of summaries, found null");
    }
    int w = width();
    if (h0 != null && h0.length != w) {
      throw new ShapeException("expected h0 of width " + w + ", found " + h0.length);
    }
    double[][] carries = new double[inOrder.size() + 1][];
    carries[0] = h0 == null ? new double[w] : h0.clone();
    for (int k = 0; k < inOrder.size(); k++) {
      E e = inOrder.get(k);
      check(e, k);
      carries[k + 1] = new double[w];
      apply(e, carries[k], 0, carries[k + 1], 0);
    }
    return carries;
  }

  private void check(E e, int index) {
    if (e == null) {
      throw new ShapeException("expected no null summaries, found null at index " + index);
    }
    if (widthOf(e) != width()) {
      throw new ShapeException("expected summaries of width " + width() + ", found width "
          + widthOf(e) + " at index " + index);
    }
  }
}
