package dev.longscan.deer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.longscan.ParameterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class CellsTest {

  static Cell make(String kind, int n, int m, double scale, long seed) {
    switch (kind) {
      case "gru":
        return Cells.gru(n, m, Cells.randomParameters(Cells.gruParameters(n, m), scale, n, seed));
      case "tanh":
        return Cells.tanhRnn(n, m,
            Cells.randomParameters(Cells.tanhRnnParameters(n, m), scale, n, seed));
      case "lstm":
        return Cells.lstm(n, m, Cells.randomParameters(Cells.lstmParameters(n, m), scale, n, seed));
      default:
        throw new IllegalArgumentException(kind);
    }
  }

  static Cell make(String kind, int n, int m, double[] theta) {
    switch (kind) {
      case "gru":
        return Cells.gru(n, m, theta);
      case "tanh":
        return Cells.tanhRnn(n, m, theta);
      default:
        return Cells.lstm(n, m, theta);
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String k : new String[] {"gru", "tanh", "lstm"}) {
      out.add(Arguments.of(k, 1, 1));
      out.add(Arguments.of(k, 3, 2));
      out.add(Arguments.of(k, 5, 0));
      out.add(Arguments.of(k, 6, 3));
    }
    return out.stream();
  }

  static double[] random(Random r, int len, double s) {
    double[] v = new double[len];
    for (int i = 0; i < len; i++) {
      v[i] = s * (2 * r.nextDouble() - 1);
    }
    return v;
  }

  static double[] f(Cell c, double[] y, double[] x) {
    double[] o = new double[c.stateSize()];
    c.step(y, 0, x, 0, o, 0);
    return o;
  }

  /** Central differences of v ↦ g·F(v) at v, per coordinate. */
  static double[] fd(double[] v, Function<double[], double[]> fn, double[] g) {
    double eps = 1e-6;
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double[] p = v.clone();
      double[] q = v.clone();
      p[i] += eps;
      q[i] -= eps;
      double[] fp = fn.apply(p);
      double[] fq = fn.apply(q);
      double s = 0;
      for (int k = 0; k < g.length; k++) {
        s += g[k] * (fp[k] - fq[k]);
      }
      out[i] = s / (2 * eps);
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void jacobianMatchesFiniteDifferences(String kind, int n, int m) {
    Cell c = make(kind, n, m, 1.5, 11 + n);
    Random r = new Random(7 + n + m);
    int s = c.stateSize();
    double[] y = random(r, s, 1);
    double[] x = random(r, m, 1);
    double[] jac = new double[s * s];
    c.jacobian(y, 0, x, 0, jac, 0);
    double[] diag = new double[s];
    c.jacobianDiagonal(y, 0, x, 0, diag, 0);
    for (int row = 0; row < s; row++) {
      double[] e = new double[s];
      e[row] = 1;
      double[] col = fd(y, v -> f(c, v, x), e);
      for (int cc = 0; cc < s; cc++) {
        assertEquals(col[cc], jac[row * s + cc], 1e-7, kind + " ∂f_" + row + "/∂y_" + cc);
      }
      assertEquals(jac[row * s + row], diag[row], 1e-14, kind + " diagonal " + row);
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void vectorJacobianProductsMatchFiniteDifferences(String kind, int n, int m) {
    double[] theta = Cells.randomParameters(make(kind, n, m, 1, 0).parameterCount(), 1.5, n, 5);
    Cell c = make(kind, n, m, theta);
    Random r = new Random(3 + n * 7 + m);
    int s = c.stateSize();
    double[] y = random(r, s, 1);
    double[] x = random(r, m, 1);
    double[] g = random(r, s, 1);
    double[] gy = new double[s + 2];
    double[] gx = new double[m + 1];
    double[] gp = new double[theta.length];
    gy[0] = 0.25; // the products add into what is there
    c.vjp(y, 0, x, 0, g, 0, gy, 1, gx, 1, gp);
    assertEquals(0.25, gy[0], 0);
    double[] ey = fd(y, v -> f(c, v, x), g);
    for (int i = 0; i < s; i++) {
      assertEquals(ey[i], gy[1 + i], 1e-7, kind + " gᵀ∂f/∂y_" + i);
    }
    double[] ex = fd(x, v -> f(c, y, v), g);
    for (int i = 0; i < m; i++) {
      assertEquals(ex[i], gx[1 + i], 1e-7, kind + " gᵀ∂f/∂x_" + i);
    }
    double[] ep = fd(theta, v -> f(make(kind, n, m, v), y, x), g);
    for (int i = 0; i < theta.length; i++) {
      assertEquals(ep[i], gp[i], 1e-7, kind + " gᵀ∂f/∂θ_" + i);
    }
  }

  @Test
  void userCellDefaultsComeFromItsJacobian() {
    // f(y) = [y0·y1, sin(y0)], no input, no parameters
    Cell c = new Cell() {
      public int stateSize() {
        return 2;
      }

      public int inputSize() {
        return 0;
      }

      public void step(double[] y, int yo, double[] x, int xo, double[] out, int oo) {
        out[oo] = y[yo] * y[yo + 1];
        out[oo + 1] = Math.sin(y[yo]);
      }

      public void jacobian(double[] y, int yo, double[] x, int xo, double[] j, int jo) {
        j[jo] = y[yo + 1];
        j[jo + 1] = y[yo];
        j[jo + 2] = Math.cos(y[yo]);
        j[jo + 3] = 0;
      }
    };
    double[] y = {0.3, -1.2};
    double[] d = new double[2];
    c.jacobianDiagonal(y, 0, new double[0], 0, d, 0);
    assertEquals(-1.2, d[0], 0);
    assertEquals(0, d[1], 0);
    double[] gy = new double[2];
    c.vjp(y, 0, new double[0], 0, new double[] {2, 3}, 0, gy, 0, null, 0, null);
    assertEquals(2 * -1.2 + 3 * Math.cos(0.3), gy[0], 1e-15);
    assertEquals(2 * 0.3, gy[1], 1e-15);
  }

  @Test
  void badParametersAreNamed() {
    ParameterException e = assertThrows(ParameterException.class,
        () -> Cells.gru(3, 2, new double[5]));
    assertEquals("expected 63 GRU parameters for n = 3, m = 2, found 5", e.getMessage());
    double[] t = new double[Cells.tanhRnnParameters(2, 1)];
    t[4] = Double.NaN;
    e = assertThrows(ParameterException.class, () -> Cells.tanhRnn(2, 1, t));
    assertEquals("expected finite tanh RNN parameters, found NaN at index 4", e.getMessage());
    assertThrows(ParameterException.class, () -> Cells.lstm(0, 1, new double[0]));
  }
}
