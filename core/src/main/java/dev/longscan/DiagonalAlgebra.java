package dev.longscan;

import dev.longscan.algebra.Algebra;

/**
 * The diagonal algebra over {@link Summary}: {@code (a1, b1, f1) ▷ (a2, b2, f2) = (a2, b2, f2)}
 * when f2 (a restart), else {@code (a2 ⊙ a1, a2 ⊙ b1 + b2, f1)}.
 */
final class DiagonalAlgebra implements Algebra<Summary> {
  private final int width;

  DiagonalAlgebra(int width) {
    if (width < 1) {
      throw new ShapeException("expected width >= 1, found " + width);
    }
    this.width = width;
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int widthOf(Summary s) {
    return s.width();
  }

  @Override
  public Summary identity() {
    return Summary.identity(width);
  }

  @Override
  public Summary compose(Summary first, Summary second) {
    Checks.notNull(first, "first");
    Checks.notNull(second, "second");
    if (first.width() != width || second.width() != width) {
      throw new ShapeException("expected summaries of width " + width + ", found " + first.width()
          + " and " + second.width());
    }
    if (second.resets()) {
      return second;
    }
    double[] a1 = first.rawA();
    double[] b1 = first.rawB();
    double[] a2 = second.rawA();
    double[] b2 = second.rawB();
    double[] a = new double[width];
    double[] b = new double[width];
    for (int c = 0; c < width; c++) {
      a[c] = a2[c] * a1[c];
      b[c] = a2[c] * b1[c] + b2[c];
    }
    return new Summary(a, b, first.resets());
  }

  /** out = resets ? b : a ⊙ h + b (out may be h at the same offset). */
  @Override
  public void apply(Summary s, double[] h, int hOff, double[] out, int outOff) {
    double[] a = s.rawA();
    double[] b = s.rawB();
    if (s.resets()) {
      System.arraycopy(b, 0, out, outOff, width);
      return;
    }
    for (int c = 0; c < width; c++) {
      out[outOff + c] = a[c] * h[hOff + c] + b[c];
    }
  }

  /** out = a ⊙ d, or zeros for a summary that restarts. */
  @Override
  public void applyTransposed(Summary s, double[] d, int dOff, double[] out, int outOff) {
    double[] a = s.rawA();
    for (int c = 0; c < width; c++) {
      out[outOff + c] = s.resets() ? 0.0 : a[c] * d[dOff + c];
    }
  }
}
