package dev.longscan.nn;

import dev.longscan.ShapeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/** Shared state and checks of the layers: parameters, the last input and its shape. */
abstract class AbstractLayer implements Layer {
  /** The initial bias of the gate that multiplies the previous state: σ(3) ≈ 0.95. */
  static final double RETAIN_BIAS = 3.0;
  final String name;
  final LayerSpec spec;
  final Compute cc;
  final int in;
  final int hidden;
  private final List<Parameter> params = new ArrayList<>();
  private final List<Matrix> workspace = new ArrayList<>();

  Matrix x;
  int steps;
  int batch;
  int n;

  AbstractLayer(String name, LayerSpec spec, Compute compute) {
    this.name = name;
    this.spec = spec;
    this.cc = compute;
    this.in = spec.inputSize();
    this.hidden = spec.outputSize();
  }

  /**
   * Zero-filled scratch matrix number {@code slot}, kept between calls so that a training step
   * does not allocate its activations anew: what forward returns is valid until the next forward
   * call, what backward returns until the next backward call.
   */
  final Matrix ws(int slot, int rows, int cols) {
    while (workspace.size() <= slot) {
      workspace.add(null);
    }
    Matrix m = workspace.get(slot);
    if (m == null || m.rows != rows || m.cols != cols) {
      m = cc.zeros(rows, cols);
      workspace.set(slot, m);
    } else {
      m.fill(0);
    }
    return m;
  }

  /** A rows × cols weight, uniform in ±1/√fanIn. */
  final Parameter weight(String role, int rows, int cols, int fanIn, SplittableRandom rnd) {
    Parameter p = new Parameter(name + "." + role, cc.zeros(rows, cols));
    double bound = 1.0 / Math.sqrt(fanIn);
    Matrix v = p.value();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        v.set(r, c, (rnd.nextDouble() * 2 - 1) * bound);
      }
    }
    params.add(p);
    return p;
  }

  /** A 1 × cols bias: columns [from, to) set to {@code value}, the rest 0. */
  final Parameter bias(String role, int cols, int from, int to, double value) {
    Parameter p = new Parameter(name + "." + role, cc.zeros(1, cols));
    for (int c = from; c < to; c++) {
      p.value().set(0, c, value);
    }
    params.add(p);
    return p;
  }

  final void adopt(List<Parameter> inner) {
    params.addAll(inner);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final LayerSpec spec() {
    return spec;
  }

  @Override
  public final int inputSize() {
    return in;
  }

  @Override
  public final int outputSize() {
    return hidden;
  }

  @Override
  public final List<Parameter> parameters() {
    return Collections.unmodifiableList(params);
  }

  /** Checks and remembers the input. */
  final void begin(Matrix input, int t) {
    if (input == null) {
      throw new ShapeException(name + ": expected an input matrix, found null");
    }
    if (input.precision() != cc.precision()) {
      throw new ShapeException(name + ": expected a " + cc.precision() + " input, found "
          + input.precision());
    }
    if (input.cols() != in) {
      throw new ShapeException(name + ": expected " + in + " input features (columns), found "
          + input.cols());
    }
    if (t < 1) {
      throw new ShapeException(name + ": expected steps T >= 1, found " + t);
    }
    if (input.rows() % t != 0) {
      throw new ShapeException(name + ": expected input rows (T·B) to be a multiple of T = " + t
          + ", found " + input.rows() + " rows");
    }
    this.x = input;
    this.steps = t;
    this.batch = input.rows() / t;
    this.n = input.rows();
  }

  /** Checks ∂L/∂output against the last forward call. */
  final void checkGrad(Matrix g) {
    if (x == null) {
      throw new IllegalStateException(name + ": backward called before forward");
    }
    if (g == null || g.rows() != n || g.cols() != hidden) {
      throw new ShapeException(name + ": expected an output gradient of " + n + " × " + hidden
          + " (T·B × output features), found " + (g == null ? "null"
          : g.rows() + " × " + g.cols()));
    }
  }

  /** A whole contiguous copy of m when it is a view (scans need whole matrices). */
  final Matrix whole(Matrix m) {
    return m.isContiguous() && m.offset == 0 && isWholeArray(m) ? m : m.copy();
  }

  private static boolean isWholeArray(Matrix m) {
    int len = m instanceof Matrix.F32 ? ((Matrix.F32) m).data.length
        : ((Matrix.F64) m).data.length;
    return len == m.rows * m.cols;
  }

  /** dst rows [b, n) = src rows [0, n − b), rows [0, b) = 0: the previous step's value. */
  final void shiftDown(Matrix src, Matrix dst) {
    dst.rows(0, Math.min(batch, n)).fill(0);
    if (n > batch) {
      cc.copy(src.rows(0, n - batch), dst.rows(batch, n));
    }
  }

  /** dst rows [0, n − b) = src rows [b, n), the last b rows = 0: the adjoint of shiftDown. */
  final void shiftUp(Matrix src, Matrix dst) {
    dst.rows(Math.max(0, n - batch), n).fill(0);
    if (n > batch) {
      cc.copy(src.rows(batch, n), dst.rows(0, n - batch));
    }
  }

  @Override
  public String toString() {
    return name + " " + spec;
  }
}
