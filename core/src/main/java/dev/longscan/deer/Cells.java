package dev.longscan.deer;

import dev.longscan.ParameterException;
import java.util.Random;

/**
 * Factories for the standard recurrent cells, with analytic Jacobians and vector-Jacobian
 * products. Parameters are one flat array θ (copied), laid out as documented per cell: matrices
 * row-major, gates stacked by rows in the order named. σ is the logistic function.
 */
public final class Cells {
  private Cells() {}

  /**
   * GRU (Cho et al. 2014, the PyTorch/flax form): r = σ(W_r x + b_ir + U_r h + b_hr),
   * z = σ(W_z x + b_iz + U_z h + b_hz), c = tanh(W_c x + b_ic + r ⊙ (U_c h + b_hc)),
   * f(h, x) = (1 − z) ⊙ c + z ⊙ h. θ = [W (3n × m) | U (3n × n) | b_i (3n) | b_h (3n)], gates in
   * the order r, z, c: 3n(m + n + 2) values.
   */
  public static Cell gru(int n, int m, double[] theta) {
    check(n, m, theta, GruCell.count(n, m), "GRU");
    return new GruCell(n, m, theta.clone());
  }

  /**
   * tanh RNN (Elman): f(h, x) = tanh(W x + U h + b). θ = [W (n × m) | U (n × n) | b (n)]:
   * n(m + n + 1) values.
   */
  public static Cell tanhRnn(int n, int m, double[] theta) {
    check(n, m, theta, TanhCell.count(n, m), "tanh RNN");
    return new TanhCell(n, m, theta.clone());
  }

  /**
   * LSTM as one cell over the 2n-state y = [h; c] (h first): i, f, o = σ(·), g = tanh(·) of
   * W x + U h + b, c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'), f(y, x) = [h'; c'].
   * θ = [W (4n × m) | U (4n × n) | b (4n)], gates in the order i, f, g, o: 4n(m + n + 1) values.
   * {@link Cell#stateSize()} is 2n.
   */
  public static Cell lstm(int n, int m, double[] theta) {
    check(n, m, theta, LstmCell.count(n, m), "LSTM");
    return new LstmCell(n, m, theta.clone());
  }

  /** The number of parameters of {@link #gru}. */
  public static int gruParameters(int n, int m) {
    return GruCell.count(n, m);
  }

  /** The number of parameters of {@link #tanhRnn}. */
  public static int tanhRnnParameters(int n, int m) {
    return TanhCell.count(n, m);
  }

  /** The number of parameters of {@link #lstm}. */
  public static int lstmParameters(int n, int m) {
    return LstmCell.count(n, m);
  }

  /**
   * Parameters drawn uniformly from [−scale/√n, scale/√n] (scale 1 is the usual initialisation;
   * larger scales make the recurrence expanding, even chaotic), reproducible from {@code seed}.
   */
  public static double[] randomParameters(int count, double scale, int n, long seed) {
    if (count < 0 || n < 1) {
      throw new ParameterException("expected count >= 0 and n >= 1, found " + count + ", " + n);
    }
    Random r = new Random(seed);
    double k = scale / Math.sqrt(n);
    double[] p = new double[count];
    for (int i = 0; i < count; i++) {
      p[i] = k * (2 * r.nextDouble() - 1);
    }
    return p;
  }

  private static void check(int n, int m, double[] theta, int expected, String what) {
    if (n < 1 || m < 0) {
      throw new ParameterException("expected " + what + " state size n >= 1 and input size m >= 0, found n = "
          + n + ", m = " + m);
    }
    if (theta == null || theta.length != expected) {
      throw new ParameterException("expected " + expected + " " + what + " parameters for n = " + n
          + ", m = " + m + ", found " + (theta == null ? "null" : theta.length));
    }
    for (int i = 0; i < theta.length; i++) {
      if (!Double.isFinite(theta[i])) {
        throw new ParameterException("expected finite " + what + " parameters, found " + theta[i]
            + " at index " + i);
      }
    }
  }

  static double sigmoid(double v) {
    return 1.0 / (1.0 + Math.exp(-v));
  }

  /** out[o + r] = Σ_c a[ao + r·cols + c] v[vo + c] for r < rows. */
  static void matVec(double[] a, int ao, int rows, int cols, double[] v, int vo, double[] out,
      int o) {
    for (int r = 0; r < rows; r++) {
      double s = 0;
      int row = ao + r * cols;
      for (int c = 0; c < cols; c++) {
        s += a[row + c] * v[vo + c];
      }
      out[o + r] += s;
    }
  }

  /** out[o + c] += Σ_r a[ao + r·cols + c] g[go + r] for c < cols (aᵀ g). */
  static void matTVec(double[] a, int ao, int rows, int cols, double[] g, int go, double[] out,
      int o) {
    for (int r = 0; r < rows; r++) {
      double gr = g[go + r];
      if (gr == 0) {
        continue;
      }
      int row = ao + r * cols;
      for (int c = 0; c < cols; c++) {
        out[o + c] += a[row + c] * gr;
      }
    }
  }

  /** p[po + r·cols + c] += g[go + r] v[vo + c] (the outer product g vᵀ). */
  static void outer(double[] p, int po, int rows, int cols, double[] g, int go, double[] v,
      int vo) {
    for (int r = 0; r < rows; r++) {
      double gr = g[go + r];
      if (gr == 0) {
        continue;
      }
      int row = po + r * cols;
      for (int c = 0; c < cols; c++) {
        p[row + c] += gr * v[vo + c];
      }
    }
  }
}
