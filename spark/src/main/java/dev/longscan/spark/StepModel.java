package dev.longscan.spark;

import dev.longscan.Direction;
import dev.longscan.Filters;
import dev.longscan.Sequence;
import dev.longscan.filter.FilterSteps;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What one row of long-format data contributes to the recurrence: the coefficients (a, b) of
 * width {@link #width()} computed from the row's input columns (and, for time-aware filters,
 * the gap to the previous row of the same series), and how a state becomes the output value.
 *
 * <p>The formulas are core's {@link FilterSteps}, the definitions {@link Filters} uses too, so a
 * Spark scan and a single-machine {@code Filters} run agree bit for bit; the block form and the
 * row form of each model call the same definition.
 * Models whose coefficients depend on the previous row (a first-of-series rule or a time gap)
 * are forward only; the reverse ones (discounted sums, reverse affine scans) depend on the row
 * alone.
 */
abstract class StepModel implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Short name for messages: "ema", "affine", …. */
  abstract String name();

  /** Width of the state: 1, or 2 for the adjusted EMA (numerator and weight). */
  int width() {
    return 1;
  }

  /** Number of input columns read per row (their values arrive in {@link Block#in}). */
  abstract int inputs();

  Direction direction() {
    return Direction.FORWARD;
  }

  boolean needsTime() {
    return false;
  }

  /** The state every series starts from (null = zeros). */
  double[] initialState() {
    return null;
  }

  /**
   * Writes the coefficients of rows [from, to) of the block into a and b (views of exactly
   * to − from steps, width {@link #width()}, float64).
   */
  abstract void coefficients(Block blk, int from, int to, Sequence a, Sequence b);

  /**
   * The coefficients of one row into {@code a[0, width)} and {@code b[0, width)}: the same
   * formulas, and bits, as {@link #coefficients} for that row. {@code in[k]} are its inputs,
   * {@code starts} whether it begins a series, and {@code gap} its order value minus that of the
   * row before it, taken exactly in the column's finest unit and then rounded to a double (NaN
   * when it begins a series or has no row before it).
   */
  abstract void rowCoefficients(double[] in, double gap, boolean starts, double[] a, double[] b);

  /** The output value of a row from its state {@code h[off, off + width)}. */
  double output(double[] h, int off) {
    return h[off];
  }

  /**
   * The extracted inputs of consecutive rows of one partition: {@code in[k][i]} is input column k
   * of row i, {@code gap[i]} its order value minus that of the row before it (exact in the
   * column's finest unit, then rounded to a double; NaN when row i begins a series or no row
   * comes before it), {@code starts[i]} true when row i begins a series (its key differs from the
   * row before, or no row comes before it). {@code starts} has one extra slot: in a reverse scan,
   * {@code starts[len]} says whether the row after the block begins a series. The arrays start
   * small and grow geometrically with the rows that arrive ({@link #ensure}), up to the block's
   * capacity, so a large block size costs memory only for partitions that fill it.
   */
  static final class Block {
    /** The most rows the arrays are first made for. */
    static final int INITIAL = 1024;
    final int capacity;
    double[][] in;
    double[] gap;
    boolean[] starts;
    int len;

    Block(int inputs, int capacity, boolean withTime) {
      this.capacity = capacity;
      int n = Math.min(capacity, INITIAL);
      in = new double[inputs][n];
      gap = withTime ? new double[n] : null;
      starts = new boolean[n + 1];
    }

    /** The rows the arrays hold now. */
    int allocated() {
      return starts.length - 1;
    }

    /** Makes room for row {@code slot} (below the capacity), growing the arrays if needed. */
    void ensure(int slot) {
      if (slot < allocated()) {
        return;
      }
      int n = grown(allocated(), slot + 1, capacity);
      for (int k = 0; k < in.length; k++) {
        in[k] = Arrays.copyOf(in[k], n);
      }
      if (gap != null) {
        gap = Arrays.copyOf(gap, n);
      }
      starts = Arrays.copyOf(starts, n + 1);
    }

    /** Moves row {@code from} to slot 0 (the look-ahead row becomes the next block's first). */
    void shift(int from) {
      for (double[] col : in) {
        col[0] = col[from];
      }
      if (gap != null) {
        gap[0] = gap[from];
      }
      starts[0] = starts[from];
      Arrays.fill(starts, 1, starts.length, false);
      len = 1;
    }
  }

  /** A new length of at least {@code needed}: twice {@code current}, at most {@code max}. */
  static int grown(int current, int needed, int max) {
    long n = Math.max((long) needed, 2L * Math.max(current, 1));
    return (int) Math.min(n, max);
  }

  /** {@code a} with room for at least {@code n} values (grown geometrically, at most max). */
  static double[] room(double[] a, int n, int max) {
    return n <= a.length ? a : Arrays.copyOf(a, grown(a.length, n, max));
  }

  /**
   * The decay of a row over its gap ({@link FilterSteps#halfLifeA}): 0 where it begins a series
   * (or has no row before it).
   */
  static double decay(boolean starts, double gap, double halfLife) {
    return FilterSteps.halfLifeA(starts, gap, halfLife);
  }

  /** The decays of rows [from, to) of the block into every channel of {@code a}. */
  static void decays(Block blk, int from, int to, double halfLife, Sequence a) {
    double[] ad = a.doubleArray();
    int w = a.width();
    for (int i = from, j = a.offset(); i < to; i++) {
      double d = decay(blk.starts[i], blk.gap[i], halfLife);
      for (int c = 0; c < w; c++, j++) {
        ad[j] = d;
      }
    }
  }

  // ------------------------------------------------------------------ implementations

  /** h_t = a_t h_{t−1} + b_t with a and b read from two columns. */
  static final class AffineModel extends StepModel {
    private static final long serialVersionUID = 1L;
    private final Direction direction;
    private final double[] h0;

    AffineModel(Direction direction, double[] h0) {
      this.direction = direction;
      this.h0 = h0;
    }

    @Override
    String name() {
      return "affine";
    }

    @Override
    int inputs() {
      return 2;
    }

    @Override
    Direction direction() {
      return direction;
    }

    @Override
    double[] initialState() {
      return h0;
    }

    @Override
    void rowCoefficients(double[] in, double gap, boolean starts, double[] a, double[] b) {
      a[0] = in[0];
      b[0] = in[1];
    }

    @Override
    void coefficients(Block blk, int from, int to, Sequence a, Sequence b) {
      double[] ad = a.doubleArray();
      double[] bd = b.doubleArray();
      int n = to - from;
      System.arraycopy(blk.in[0], from, ad, a.offset(), n);
      System.arraycopy(blk.in[1], from, bd, b.offset(), n);
    }
  }

  /** EMA with constant alpha, {@link FilterSteps#emaA}: y_0 = x_0 per series. */
  static final class EmaModel extends StepModel {
    private static final long serialVersionUID = 1L;
    private final double alpha;

    EmaModel(double alpha) {
      this.alpha = alpha;
    }

    @Override
    String name() {
      return "ema";
    }

    @Override
    int inputs() {
      return 1;
    }

    @Override
    void rowCoefficients(double[] in, double gap, boolean starts, double[] a, double[] b) {
      a[0] = FilterSteps.emaA(alpha, starts);
      b[0] = FilterSteps.emaB(alpha, starts, in[0]);
    }

    @Override
    void coefficients(Block blk, int from, int to, Sequence a, Sequence b) {
      double[] ad = a.doubleArray();
      double[] bd = b.doubleArray();
      double[] x = blk.in[0];
      boolean[] st = blk.starts;
      for (int i = 0, n = to - from, ao = a.offset(), bo = b.offset(); i < n; i++) {
        ad[ao + i] = FilterSteps.emaA(alpha, st[from + i]);
        bd[bo + i] = FilterSteps.emaB(alpha, st[from + i], x[from + i]);
      }
    }
  }

  /**
   * EMA over time stamps with a half-life ({@link Filters#decay} of each exact gap): a_t =
   * exp(−ln 2 · Δt / halfLife), y_0 = x_0 per series, y_t = a_t y_{t−1} + (1 − a_t) x_t.
   */
  static final class EmaHalfLifeModel extends StepModel {
    private static final long serialVersionUID = 1L;
    private final double halfLife;

    /** {@code halfLife} in the unit of the time values handed to the block. */
    EmaHalfLifeModel(double halfLife) {
      this.halfLife = halfLife;
    }

    @Override
    String name() {
      return "emaHalfLife";
    }

    @Override
    int inputs() {
      return 1;
    }

    @Override
    boolean needsTime() {
      return true;
    }

    @Override
    void rowCoefficients(double[] in, double gap, boolean starts, double[] a, double[] b) {
      a[0] = decay(starts, gap, halfLife);
      b[0] = FilterSteps.halfLifeB(a[0], in[0]);
    }

    @Override
    void coefficients(Block blk, int from, int to, Sequence a, Sequence b) {
      decays(blk, from, to, halfLife, a);
      double[] ad = a.doubleArray();
      double[] bd = b.doubleArray();
      double[] x = blk.in[0];
      for (int i = 0, n = to - from; i < n; i++) {
        bd[b.offset() + i] = FilterSteps.halfLifeB(ad[a.offset() + i], x[from + i]);
      }
    }
  }

  /**
   * The bias-corrected EMA, N/W with N_t = a_t N_{t−1} + x_t and W_t = a_t W_{t−1} + 1 (the
   * construction of {@link Filters#emaAdjusted}), with a constant decay 1 − α or a half-life.
   */
  static final class AdjustedEmaModel extends StepModel {
    private static final long serialVersionUID = 1L;
    private final double alpha;
    private final double halfLife;

    /** Exactly one of alpha (constant decay) or halfLife (time decay) is set, the other NaN. */
    AdjustedEmaModel(double alpha, double halfLife) {
      this.alpha = alpha;
      this.halfLife = halfLife;
    }

    @Override
    String name() {
      return "adjustedEma";
    }

    @Override
    int width() {
      return 2;
    }

    @Override
    int inputs() {
      return 1;
    }

    @Override
    boolean needsTime() {
      return !Double.isNaN(halfLife);
    }

    @Override
    void rowCoefficients(double[] in, double gap, boolean starts, double[] a, double[] b) {
      double d = !needsTime() ? FilterSteps.adjustedA(alpha)
          : decay(starts, gap, halfLife);
      a[0] = d;
      a[1] = d;
      b[0] = FilterSteps.adjustedNumeratorB(in[0]);
      b[1] = FilterSteps.adjustedWeightB();
    }

    @Override
    void coefficients(Block blk, int from, int to, Sequence a, Sequence b) {
      if (needsTime()) {
        decays(blk, from, to, halfLife, a);
      } else {
        a.fill(FilterSteps.adjustedA(alpha));
      }
      double[] bd = b.doubleArray();
      double[] x = blk.in[0];
      for (int i = 0, n = to - from; i < n; i++) {
        bd[b.offset() + 2 * i] = FilterSteps.adjustedNumeratorB(x[from + i]);
        bd[b.offset() + 2 * i + 1] = FilterSteps.adjustedWeightB();
      }
    }

    @Override
    double output(double[] h, int off) {
      return FilterSteps.adjustedValue(h[off], h[off + 1]);
    }
  }

  /** First-order IIR y_t = c x_t + d y_{t−1}, y = 0 before each series ({@link Filters#iir}). */
  static final class IirModel extends StepModel {
    private static final long serialVersionUID = 1L;
    private final double c;
    private final double d;

    IirModel(double c, double d) {
      this.c = c;
      this.d = d;
    }

    @Override
    String name() {
      return "iir";
    }

    @Override
    int inputs() {
      return 1;
    }

    @Override
    void rowCoefficients(double[] in, double gap, boolean starts, double[] a, double[] b) {
      a[0] = FilterSteps.iirA(d);
      b[0] = FilterSteps.iirB(c, in[0]);
    }

    @Override
    void coefficients(Block blk, int from, int to, Sequence a, Sequence b) {
      a.fill(FilterSteps.iirA(d));
      double[] bd = b.doubleArray();
      double[] x = blk.in[0];
      for (int i = 0, n = to - from; i < n; i++) {
        bd[b.offset() + i] = FilterSteps.iirB(c, x[from + i]);
      }
    }
  }

  /**
   * Discounted sums G_t = r_t + γ_t G_{t+1}, G = 0 after each series' last row: a reverse scan
   * with a = γ (a constant, or a second input column) and b = r ({@link Filters#discountedSum}).
   */
  static final class DiscountModel extends StepModel {
    private static final long serialVersionUID = 1L;
    private final double gamma;
    private final boolean gammaColumn;

    DiscountModel(double gamma, boolean gammaColumn) {
      this.gamma = gamma;
      this.gammaColumn = gammaColumn;
    }

    @Override
    String name() {
      return "discountedSum";
    }

    @Override
    int inputs() {
      return gammaColumn ? 2 : 1;
    }

    @Override
    Direction direction() {
      return Direction.REVERSE;
    }

    @Override
    void rowCoefficients(double[] in, double gap, boolean starts, double[] a, double[] b) {
      a[0] = FilterSteps.discountA(gammaColumn ? in[1] : gamma);
      b[0] = FilterSteps.discountB(in[0]);
    }

    @Override
    void coefficients(Block blk, int from, int to, Sequence a, Sequence b) {
      // a_t = discountA(γ_t) = γ_t and b_t = discountB(r_t) = r_t: copies of the inputs
      int n = to - from;
      if (gammaColumn) {
        System.arraycopy(blk.in[1], from, a.doubleArray(), a.offset(), n);
      } else {
        a.fill(FilterSteps.discountA(gamma));
      }
      System.arraycopy(blk.in[0], from, b.doubleArray(), b.offset(), n);
    }
  }

  /** Cumulative sum (a = 1, b = x) or product (a = x, b = 0, h0 = 1), either direction. */
  static final class CumulativeModel extends StepModel {
    private static final long serialVersionUID = 1L;
    private final boolean product;
    private final Direction direction;

    CumulativeModel(boolean product, Direction direction) {
      this.product = product;
      this.direction = direction;
    }

    @Override
    String name() {
      return product ? "cumprod" : "cumsum";
    }

    @Override
    int inputs() {
      return 1;
    }

    @Override
    Direction direction() {
      return direction;
    }

    @Override
    double[] initialState() {
      return product ? new double[] {FilterSteps.cumprodInitial()} : null;
    }

    @Override
    void rowCoefficients(double[] in, double gap, boolean starts, double[] a, double[] b) {
      a[0] = product ? FilterSteps.cumprodA(in[0]) : FilterSteps.cumsumA();
      b[0] = product ? FilterSteps.cumprodB() : FilterSteps.cumsumB(in[0]);
    }

    @Override
    void coefficients(Block blk, int from, int to, Sequence a, Sequence b) {
      // cumprodA(x) = x and cumsumB(x) = x: copies of the input
      int n = to - from;
      if (product) {
        System.arraycopy(blk.in[0], from, a.doubleArray(), a.offset(), n);
        b.fill(FilterSteps.cumprodB());
      } else {
        a.fill(FilterSteps.cumsumA());
        System.arraycopy(blk.in[0], from, b.doubleArray(), b.offset(), n);
      }
    }
  }
}
