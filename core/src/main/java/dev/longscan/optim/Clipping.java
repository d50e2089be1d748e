package dev.longscan.optim;

import dev.longscan.ParameterException;
import dev.longscan.nn.Parameter;
import java.util.List;

/** Gradient-norm clipping. */
public final class Clipping {
  private Clipping() {}

  /** The global L2 norm of all gradients, accumulated in float64. */
  public static double globalNorm(List<Parameter> parameters) {
    double s = 0;
    for (Parameter p : parameters) {
      for (double v : p.grad().toDoubleArray()) {
        s += v * v;
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
        double[] g = p.grad().toDoubleArray();
        for (int i = 0; i < g.length; i++) {
          g[i] *= scale;
        }
        p.grad().setAll(g);
      }
    }
    return norm;
  }
}
