package dev.longscan;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The carry of a chunk: the composition, in scan order, of its affine steps h ↦ a ⊙ h + b. Applied
 * to the state entering the chunk it gives the state leaving it:
 * {@code resets() ? b : a ⊙ h + b}. A chunk that contains a segment restart forgets what entered
 * it: its summary has {@code resets() == true}, {@code a == 0} and {@code b} the state at its end
 * computed from h0 at the last restart. Immutable; coefficients are kept in float64 whatever the
 * precision of the data they summarise.
 */
public final class Summary implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] a;
  private final double[] b;
  private final boolean resets;

  Summary(double[] a, double[] b, boolean resets) {
    this.a = a;
    this.b = b;
    this.resets = resets;
  }

  /** A summary with the given coefficients (copied). */
  public static Summary of(double[] a, double[] b, boolean resets) {
    Checks.notNull(a, "a");
    Checks.notNull(b, "b");
    if (a.length != b.length || a.length == 0) {
      throw new ShapeException("expected a and b of one equal, non-zero length, found a.length="
          + a.length + ", b.length=" + b.length);
    }
    return new Summary(a.clone(), b.clone(), resets);
  }

  /** The identity (1, 0): the summary of an empty chunk. */
  public static Summary identity(int width) {
    if (width < 1) {
      throw new ShapeException("expected width >= 1, found " + width);
    }
    double[] a = new double[width];
    Arrays.fill(a, 1.0);
    return new Summary(a, new double[width], false);
  }

  public int width() {
    return a.length;
  }

  public double a(int channel) {
    return a[channel];
  }

  public double b(int channel) {
    return b[channel];
  }

  /** Copy of the multiplicative coefficients. */
  public double[] a() {
    return a.clone();
  }

  /** Copy of the additive coefficients. */
  public double[] b() {
    return b.clone();
  }

  /** True when the chunk restarts a segment, so the state leaving it ignores the state entering it. */
  public boolean resets() {
    return resets;
  }

  /** The state leaving the chunk given {@code h} entering it (a new array). */
  public double[] apply(double[] h) {
    Checks.notNull(h, "h");
    if (h.length != a.length) {
      throw new ShapeException("expected a state of width " + a.length + ", found " + h.length);
    }
    double[] out = new double[a.length];
    Affine.applyInto(a, b, resets, h, out);
    return out;
  }

  double[] rawA() {
    return a;
  }

  double[] rawB() {
    return b;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Summary)) {
      return false;
    }
    Summary s = (Summary) o;
    return resets == s.resets && Arrays.equals(a, s.a) && Arrays.equals(b, s.b);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(a) + Arrays.hashCode(b)) + (resets ? 1 : 0);
  }

  @Override
  public String toString() {
    int n = Math.min(4, a.length);
    StringBuilder sb = new StringBuilder("Summary[width=").append(a.length);
    sb.append(resets ? ", resets" : "").append(", a=").append(Arrays.toString(Arrays.copyOf(a, n)));
    sb.append(", b=").append(Arrays.toString(Arrays.copyOf(b, n)));
    return sb.append(a.length > n ? " …]" : "]").toString();
  }
}
