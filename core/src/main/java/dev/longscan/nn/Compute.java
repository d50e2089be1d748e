package dev.longscan.nn;

import dev.longscan.Backend;
import dev.longscan.Precision;

/**
 * The operations a layer needs, over {@link Matrix} buffers of one precision: matrix products over
 * all T·B rows at once, the gate elementwise kernels, the linear-recurrence scan and its backward
 * pass (through a {@link Backend}), and reductions. Layers are written once against this
 * interface; {@link #cpu} is the CPU implementation (netlib BLAS for products, the given backend
 * for scans).
 *
 * <p>Unless stated otherwise, an elementwise operation requires every argument to have the same
 * shape and allows {@code dst} to be one of its inputs. Operations check shapes and throw
 * {@link dev.longscan.ShapeException} naming the operation and the dimension.
 */
public interface Compute {

  /** The CPU implementation over {@code precision} buffers, with scans on {@code backend}. */
  static Compute cpu(Precision precision, Backend backend) {
    return new CpuCompute(precision, backend);
  }

  Precision precision();

  /** The backend that runs the scans. */
  Backend backend();

  /** A new zero-filled matrix of this compute's precision. */
  Matrix zeros(int rows, int cols);

  /**
   * out = op(x) · op(w), or out += op(x) · op(w) when {@code accumulate}; op transposes when the
   * flag says so. Shapes: op(x) is n × k, op(w) is k × m, out is n × m.
   */
  void matmul(Matrix x, boolean transX, Matrix w, boolean transW, Matrix out, boolean accumulate);

  /** out[r, c] += bias[0, c] for every row r; bias is 1 × out.cols(). */
  void addRowVector(Matrix bias, Matrix out);

  /** dst[0, c] += Σ_r src[r, c]; dst is 1 × src.cols(). */
  void addColumnSums(Matrix src, Matrix dst);

  /** dst = σ(src). */
  void sigmoid(Matrix src, Matrix dst);

  /** dst = tanh(src). */
  void tanh(Matrix src, Matrix dst);

  /** dst = dy ⊙ y ⊙ (1 − y), the gradient through y = σ(·). */
  void sigmoidGrad(Matrix y, Matrix dy, Matrix dst);

  /** dst = dy ⊙ (1 − y²), the gradient through y = tanh(·). */
  void tanhGrad(Matrix y, Matrix dy, Matrix dst);

  /** dst = a ⊙ b. */
  void mul(Matrix a, Matrix b, Matrix dst);

  /** dst += a ⊙ b. */
  void addMul(Matrix a, Matrix b, Matrix dst);

  /** dst −= a ⊙ b. */
  void subMul(Matrix a, Matrix b, Matrix dst);

  /** dst = (1 − f) ⊙ z. */
  void oneMinusMul(Matrix f, Matrix z, Matrix dst);

  /** dst = r ⊙ t + (1 − r) ⊙ s. */
  void lerp(Matrix r, Matrix t, Matrix s, Matrix dst);

  /** dst = g ⊙ (t − s). */
  void mulDiff(Matrix g, Matrix t, Matrix s, Matrix dst);

  /** dst += src. */
  void add(Matrix src, Matrix dst);

  /** dst = src. */
  void copy(Matrix src, Matrix dst);

  /** m *= alpha. */
  void scale(Matrix m, double alpha);

  /** Σ m[r, c]², accumulated in float64. */
  double sumSquares(Matrix m);

  /**
   * h = scan(a, b) along time: the matrices are [steps·B × H] time-major, and every one of the
   * B·H channels runs h_t = a_t ⊙ h_{t−1} + b_t from h_{−1} = 0 on the backend.
   */
  void scan(Matrix a, Matrix b, int steps, Matrix h);

  /**
   * The backward pass of {@link #scan}: given dh = ∂L/∂h, writes ∂L/∂a into da and ∂L/∂b into db.
   */
  void scanBackward(Matrix a, Matrix h, Matrix dh, int steps, Matrix da, Matrix db);
}
