package dev.longscan.deer;

/**
 * One step y_t = f(y_{t-1}, x_t) of a recurrence, with its derivatives: the Jacobian ∂f/∂y (full
 * for DEER, its diagonal for quasi-DEER) and the vector-Jacobian products that gradients need.
 *
 * <p>Vectors are passed as an array and an offset: the state y has {@link #stateSize()} values,
 * the input x {@link #inputSize()}, the Jacobian n·n values row-major (entry (r, c) = ∂f_r/∂y_c
 * at {@code jac[off + r·n + c]}). Implementations must be stateless between calls and safe to
 * call from several threads at once. A user's cell needs {@link #step}, {@link #jacobian} and,
 * for gradients, {@link #vjp}; {@link #jacobianDiagonal} may be overridden where the diagonal is
 * cheaper than the full matrix (quasi-DEER calls only it).
 */
public interface Cell {

  /** n, the number of state values. */
  int stateSize();

  /** m, the number of input values per step. */
  int inputSize();

  /** The number of parameters θ (the length of {@link #vjp}'s gradParams); 0 if none. */
  default int parameterCount() {
    return 0;
  }

  /** Writes f(y, x) into {@code out[outOff .. outOff + n)}. */
  void step(double[] y, int yOff, double[] x, int xOff, double[] out, int outOff);

  /** Writes ∂f/∂y at (y, x) into {@code jac[jacOff .. jacOff + n·n)}, row-major. */
  void jacobian(double[] y, int yOff, double[] x, int xOff, double[] jac, int jacOff);

  /**
   * Writes f(y, x) into {@code out} and ∂f/∂y into {@code jac} (as {@link #step} and
   * {@link #jacobian}); the solvers call this. The default calls the two; cells that share work
   * between them override it.
   */
  default void stepAndJacobian(double[] y, int yOff, double[] x, int xOff, double[] out,
      int outOff, double[] jac, int jacOff) {
    step(y, yOff, x, xOff, out, outOff);
    jacobian(y, yOff, x, xOff, jac, jacOff);
  }

  /** As {@link #stepAndJacobian}, with the Jacobian's diagonal ({@link #jacobianDiagonal}). */
  default void stepAndJacobianDiagonal(double[] y, int yOff, double[] x, int xOff, double[] out,
      int outOff, double[] diag, int diagOff) {
    step(y, yOff, x, xOff, out, outOff);
    jacobianDiagonal(y, yOff, x, xOff, diag, diagOff);
  }

  /**
   * Writes the diagonal of ∂f/∂y at (y, x) into {@code diag[off .. off + n)}. The default computes
   * the full Jacobian and keeps its diagonal.
   */
  default void jacobianDiagonal(double[] y, int yOff, double[] x, int xOff, double[] diag,
      int off) {
    int n = stateSize();
    double[] jac = new double[n * n];
    jacobian(y, yOff, x, xOff, jac, 0);
    for (int r = 0; r < n; r++) {
      diag[off + r] = jac[r * n + r];
    }
  }

  /**
   * Vector-Jacobian products at (y, x) for a cotangent g (n values, ∂L/∂f): adds gᵀ ∂f/∂y into
   * {@code gradY[gyOff ..)}, gᵀ ∂f/∂x into {@code gradX[gxOff ..)} and gᵀ ∂f/∂θ into
   * {@code gradParams} (all {@link #parameterCount()} values); each of the three may be null to
   * skip it. The default supports gradY only, from {@link #jacobian}, and throws
   * {@link UnsupportedOperationException} when gradX or gradParams are asked for.
   */
  default void vjp(double[] y, int yOff, double[] x, int xOff, double[] g, int gOff,
      double[] gradY, int gyOff, double[] gradX, int gxOff, double[] gradParams) {
    if ((gradX != null && inputSize() > 0) || (gradParams != null && parameterCount() > 0)) {
      throw new UnsupportedOperationException("cell " + this + " implements no vjp for x or θ");
    }
    if (gradY != null) {
      int n = stateSize();
      double[] jac = new double[n * n];
      jacobian(y, yOff, x, xOff, jac, 0);
      for (int r = 0; r < n; r++) {
        double gr = g[gOff + r];
        for (int c = 0; c < n; c++) {
          gradY[gyOff + c] += gr * jac[r * n + c];
        }
      }
    }
  }
}
