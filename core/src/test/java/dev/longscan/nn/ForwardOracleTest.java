package dev.longscan.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.longscan.Backends;
import dev.longscan.Precision;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Forward outputs of the scanned layers against the equations evaluated directly, step by step,
 * in float64 (no Backend, no BLAS), with T = 11 and B = 3.
 */
class ForwardOracleTest {
  static final int T = 11;
  static final int B = 3;

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static Matrix input(Compute cc, int in) {
    SplittableRandom rnd = new SplittableRandom(21);
    Matrix x = cc.zeros(T * B, in);
    for (int r = 0; r < T * B; r++) {
      for (int c = 0; c < in; c++) {
        x.set(r, c, rnd.nextDouble() * 2 - 1);
      }
    }
    return x;
  }

  /** Σ_i x[row, i] · w[wRow0 + i, col] + (bias when b != null). */
  private static double affine(Matrix x, int row, Matrix w, int wRow0, int col, Matrix b) {
    double s = b == null ? 0 : b.get(0, col);
    for (int i = 0; i < x.cols(); i++) {
      s += x.get(row, i) * w.get(wRow0 + i, col);
    }
    return s;
  }

  @Test
  void gilr() {
    Compute cc = Compute.cpu(Precision.FLOAT64, Backends.cpu());
    int in = 4;
    int h = 5;
    Layer l = LayerSpec.of(LayerKind.GILR, in, h).create("g", cc, new SplittableRandom(1));
    Matrix w = l.parameters().get(0).value();
    Matrix b = l.parameters().get(1).value();
    Matrix x = input(cc, in);
    Matrix out = l.forward(x, T);
    for (int s = 0; s < B; s++) {
      for (int j = 0; j < h; j++) {
        double state = 0;
        for (int t = 0; t < T; t++) {
          int row = t * B + s;
          double g = sigmoid(affine(x, row, w, 0, j, b));
          double i = Math.tanh(affine(x, row, w, 0, h + j, b));
          state = g * state + (1 - g) * i;
          assertEquals(state, out.get(row, j), 1e-12, "step " + t + " seq " + s + " ch " + j);
        }
      }
    }
  }

  @Test
  void sruWithHighway() {
    Compute cc = Compute.cpu(Precision.FLOAT64, Backends.cpu());
    int h = 4;
    Layer l = LayerSpec.of(LayerKind.SRU, h, h).create("s", cc, new SplittableRandom(2));
    Matrix w = l.parameters().get(0).value();
    Matrix b = l.parameters().get(1).value();
    Matrix x = input(cc, h);
    Matrix out = l.forward(x, T);
    for (int s = 0; s < B; s++) {
      for (int j = 0; j < h; j++) {
        double c = 0;
        for (int t = 0; t < T; t++) {
          int row = t * B + s;
          double f = sigmoid(affine(x, row, w, 0, j, b));
          double r = sigmoid(affine(x, row, w, 0, h + j, b));
          double xt = affine(x, row, w, 0, 2 * h + j, b);
          c = f * c + (1 - f) * xt;
          double expected = r * Math.tanh(c) + (1 - r) * x.get(row, j);
          assertEquals(expected, out.get(row, j), 1e-12, "step " + t + " seq " + s);
        }
      }
    }
  }

  @Test
  void qrnnWithThreeTaps() {
    Compute cc = Compute.cpu(Precision.FLOAT64, Backends.cpu());
    int in = 3;
    int h = 4;
    int k = 3;
    Layer l = new LayerSpec(LayerKind.QRNN, in, h, k).create("q", cc, new SplittableRandom(3));
    Matrix w = l.parameters().get(0).value();
    Matrix b = l.parameters().get(1).value();
    Matrix x = input(cc, in);
    Matrix out = l.forward(x, T);
    for (int s = 0; s < B; s++) {
      for (int j = 0; j < h; j++) {
        double c = 0;
        for (int t = 0; t < T; t++) {
          double[] pre = new double[3];
          for (int g = 0; g < 3; g++) {
            pre[g] = b.get(0, g * h + j);
            for (int tap = 0; tap < k && tap <= t; tap++) {
              pre[g] += affine(x, (t - tap) * B + s, w, tap * in, g * h + j, null);
            }
          }
          double z = Math.tanh(pre[0]);
          double f = sigmoid(pre[1]);
          double o = sigmoid(pre[2]);
          c = f * c + (1 - f) * z;
          assertEquals(o * c, out.get(t * B + s, j), 1e-12, "step " + t + " seq " + s);
        }
      }
    }
  }
}
