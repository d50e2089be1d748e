package dev.longscan.algebra;

import dev.longscan.ShapeException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The summary of a chunk of the matrix-valued recurrence h_t = J_t h_{t-1} + b_t for a batch of
 * independent series: for each series s, the composition (J, b) of the chunk's steps, so that the
 * state leaving the chunk is J h + b for the state h entering it. Layouts are those of the dense
 * scan: {@code j()} is [batch, n, n] with row-major matrices (series s, row r, column c at
 * {@code (s * n + r) * n + c}), {@code b()} is [batch, n]; a state of the whole batch is [batch, n].
 * Immutable; float64 whatever the precision of the data summarised.
 */
public final class DenseSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int batch;
  private final int n;
  private final double[] j;
  private final double[] b;

  DenseSummary(int batch, int n, double[] j, double[] b) {
    this.batch = batch;
    this.n = n;
    this.j = j;
    this.b = b;
  }

  /**
   * A summary of {@code b.length / n} series from the given coefficients (copied): {@code j} of
   * length batch·n·n, {@code b} of length batch·n.
   */
  public static DenseSummary of(int n, double[] j, double[] b) {
    if (n < 1) {
      throw new ShapeException("expected n >= 1, found " + n);
    }
    if (j == null || b == null) {
      throw new ShapeException("expected non-null j and b, found " + (j == null ? "j" : "b")
          + " null");
    }
    if (b.length == 0 || b.length % n != 0) {
      throw new ShapeException("expected b of a non-zero length that is a multiple of n = " + n
          + ", found length " + b.length);
    }
    int batch = b.length / n;
    if ((long) j.length != (long) batch * n * n) {
      throw new ShapeException("expected j of length batch·n·n = " + batch + "·" + n + "·" + n
          + " = " + ((long) batch * n * n) + ", found " + j.length);
    }
    return new DenseSummary(batch, n, j.clone(), b.clone());
  }

  /** The identity (I, 0) of {@code batch} series of dimension n: the summary of an empty chunk. */
  public static DenseSummary identity(int batch, int n) {
    checkShape(batch, n);
    double[] j = new double[batch * n * n];
    for (int s = 0; s < batch; s++) {
      for (int r = 0; r < n; r++) {
        j[(s * n + r) * n + r] = 1;
      }
    }
    return new DenseSummary(batch, n, j, new double[batch * n]);
  }

  /**
   * The algebra of these summaries for {@code batch} series of dimension n: composition
   * {@code (J1, b1) ▷ (J2, b2) = (J2·J1, J2·b1 + b2)} series by series; states of width batch·n.
   */
  public static Algebra<DenseSummary> algebra(int batch, int n) {
    checkShape(batch, n);
    return new DenseAlgebra(batch, n);
  }

  private static void checkShape(int batch, int n) {
    if (batch < 1 || n < 1 || (long) batch * n * n > Integer.MAX_VALUE - 8) {
      throw new ShapeException("expected batch >= 1, n >= 1 and batch·n·n within one Java array,"
          + " found batch " + batch + ", n " + n);
    }
  }

  public int batch() {
    return batch;
  }

  /** The dimension of one series' state. */
  public int n() {
    return n;
  }

  /** Entry (r, c) of series s's matrix. */
  public double j(int s, int r, int c) {
    return j[(s * n + r) * n + c];
  }

  /** Entry r of series s's offset. */
  public double b(int s, int r) {
    return b[s * n + r];
  }

  /** Copy of the matrices, [batch, n, n]. */
  public double[] j() {
    return j.clone();
  }

  /** Copy of the offsets, [batch, n]. */
  public double[] b() {
    return b.clone();
  }

  /** The states leaving the chunk given states {@code h} ([batch, n]) entering it (a new array). */
  public double[] apply(double[] h) {
    if (h == null || h.length != batch * n) {
      throw new ShapeException("expected a state of length batch·n = " + (batch * n) + ", found "
          + (h == null ? "null" : "length " + h.length));
    }
    double[] out = new double[batch * n];
    DenseAlgebra.applyInto(this, h, 0, out, 0);
    return out;
  }

  double[] rawJ() {
    return j;
  }

  double[] rawB() {
    return b;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DenseSummary)) {
      return false;
    }
    DenseSummary s = (DenseSummary) o;
    return batch == s.batch && n == s.n && Arrays.equals(j, s.j) && Arrays.equals(b, s.b);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(j) + Arrays.hashCode(b)) + n;
  }

  @Override
  public String toString() {
    return "DenseSummary[batch=" + batch + ", n=" + n + ", b=" + Arrays.toString(
        Arrays.copyOf(b, Math.min(4, b.length))) + (b.length > 4 ? " …]" : "]");
  }
}
