package dev.longscan.optim;

import dev.longscan.ParameterException;
import dev.longscan.nn.Matrix;
import dev.longscan.nn.Parameter;
import java.util.List;

/** Gradient-norm clipping. */
public final class Clipping {
  private Clipping() {}

  /** The global L2 norm of all gradients, accumulated in float64. */
  public static double globalNorm(List<Parameter> parameters) {
    double s = 0;
    for (Parameter p : parameters) {
      Matrix g = p.grad();
      for (int r = 0; r < g.rows(); r++) {
        for (int c = 0; c < g.cols(); c++) {
          double v = g.get(r, c);
          s += v * v;
        }
      }
    }
    return Math.sqrt(s);
  }

  /**
   * Scales every gradient by maxNorm / norm when their global norm exceeds {@code maxNorm}
   * (R. Pascanu, T. Mikolov, Y. Bengio, ICML 2013); returns the norm before clipping.
   */
  public static double clipGlobalNorm(List<Parameter> parameters, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new ParameterException("expected a clipping norm > 0, found " + maxNorm);
    }
    double norm = globalNorm(parameters);
    if (norm > maxNorm && Double.isFinite(norm)) {
      double scale = maxNorm / norm;
      for (Parameter p : parameters) {
        Matrix g = p.grad();
        for (int r = 0; r < g.rows(); r++) {
          for (int c = 0; c < g.cols(); c++) {
            g.set(r, c, g.get(r, c) * scale);
          }
        }
      }
    }
    return norm;
  }
}
