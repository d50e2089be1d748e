package dev.longscan.deer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.longscan.Precision;
import dev.longscan.Sequence;
import dev.longscan.ShapeException;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DeerGradientsTest {

  /** Backpropagation through the sequential loop, with the cell's vjp step by step. */
  static double[][] backprop(Cell c, Sequence x, double[] y0, Sequence y, Sequence g) {
    int n = c.stateSize();
    int m = c.inputSize();
    int batch = y0.length / n;
    int steps = y.steps();
    double[] gx = new double[steps * batch * m];
    double[] gp = new double[c.parameterCount()];
    double[] gy0 = new double[batch * n];
    for (int s = 0; s < batch; s++) {
      double[] delta = new double[n];
      for (int t = steps - 1; t >= 0; t--) {
        for (int k = 0; k < n; k++) {
          delta[k] += g.get(t, s * n + k);
        }
        double[] prev = new double[n];
        for (int k = 0; k < n; k++) {
          prev[k] = t == 0 ? y0[s * n + k] : y.get(t - 1, s * n + k);
        }
        double[] xs = new double[m];
        for (int k = 0; k < m; k++) {
          xs[k] = x.get(t, s * m + k);
        }
        double[] gPrev = new double[n];
        double[] gxs = new double[m];
        c.vjp(prev, 0, xs, 0, delta, 0, gPrev, 0, gxs, 0, gp);
        System.arraycopy(gxs, 0, gx, (t * batch + s) * m, m);
        delta = gPrev;
      }
      System.arraycopy(delta, 0, gy0, s * n, n);
    }
    return new double[][] {gx, gp, gy0};
  }

  static double loss(Cell c, Sequence x, double[] y0, Sequence g) {
    Sequence y = Deer.sequential().solve(c, x, y0).solution();
    double l = 0;
    for (int t = 0; t < y.steps(); t++) {
      for (int k = 0; k < y.width(); k++) {
        l += g.get(t, k) * y.get(t, k);
      }
    }
    return l;
  }

  @ParameterizedTest
  @CsvSource({"gru,3,23,2", "tanh,4,31,3", "lstm,2,19,2", "gru,1,1,1", "lstm,3,0,2",
      "tanh,5,2,1"})
  void adjointEqualsBackpropAndFiniteDifferences(String kind, int n, int steps, int batch) {
    int m = 2;
    double[] theta = Cells.randomParameters(CellsTest.make(kind, n, m, 1, 0).parameterCount(),
        1.2, n, 77 + n);
    Cell cell = CellsTest.make(kind, n, m, theta);
    int s = cell.stateSize();
    Sequence x = DeerTest.inputs(Precision.FLOAT64, steps, batch * m, 3 + steps);
    double[] y0 = DeerTest.state(batch * s, 4 + n);
    Sequence g = DeerTest.inputs(Precision.FLOAT64, steps, batch * s, 5 + n);
    DeerResult r = Deer.newton().withTolerance(1e-13, 0).solve(cell, x, y0);
    DeerGradients grads = Deer.newton().gradients(cell, x, y0, r.solution(), g);
    double[][] ref = backprop(cell, x, y0, Deer.sequential().solve(cell, x, y0).solution(), g);
    for (int t = 0; t < steps; t++) {
      for (int k = 0; k < batch * m; k++) {
        assertEquals(ref[0][t * batch * m + k], grads.inputs().get(t, k), 1e-10, "∂L/∂x");
      }
    }
    double[] gp = grads.parameters();
    for (int i = 0; i < gp.length; i++) {
      assertEquals(ref[1][i], gp[i], 1e-10 * (1 + Math.abs(ref[1][i])), "∂L/∂θ_" + i);
    }
    double[] gy0 = grads.initialState();
    for (int i = 0; i < gy0.length; i++) {
      assertEquals(ref[2][i], gy0[i], 1e-10, "∂L/∂y0_" + i);
    }
    // finite differences of the loss through the sequential loop, on a few coordinates
    double eps = 1e-6;
    Random pick = new Random(9);
    for (int trial = 0; trial < 4 && steps > 0; trial++) {
      int i = pick.nextInt(theta.length);
      double[] tp = theta.clone();
      double[] tq = theta.clone();
      tp[i] += eps;
      tq[i] -= eps;
      double fd = (loss(CellsTest.make(kind, n, m, tp), x, y0, g)
          - loss(CellsTest.make(kind, n, m, tq), x, y0, g)) / (2 * eps);
      assertEquals(fd, gp[i], 1e-6 * (1 + Math.abs(fd)), "FD ∂L/∂θ_" + i);
      int t = pick.nextInt(steps);
      int k = pick.nextInt(batch * m);
      double v = x.get(t, k);
      x.set(t, k, v + eps);
      double lp = loss(cell, x, y0, g);
      x.set(t, k, v - eps);
      double lq = loss(cell, x, y0, g);
      x.set(t, k, v);
      assertEquals((lp - lq) / (2 * eps), grads.inputs().get(t, k), 1e-6, "FD ∂L/∂x");
      int j = pick.nextInt(y0.length);
      double[] yp = y0.clone();
      double[] yq = y0.clone();
      yp[j] += eps;
      yq[j] -= eps;
      assertEquals((loss(cell, x, yp, g) - loss(cell, x, yq, g)) / (2 * eps), gy0[j], 1e-6,
          "FD ∂L/∂y0");
    }
  }

  @Test
  void shapesAreChecked() {
    Cell cell = CellsTest.make("gru", 2, 1, 1, 1);
    Sequence x = DeerTest.inputs(Precision.FLOAT64, 4, 3, 1);
    double[] y0 = new double[6];
    Sequence y = Sequence.allocate(Precision.FLOAT64, 4, 6);
    ShapeException e = assertThrows(ShapeException.class, () -> Deer.newton().gradients(cell, x,
        y0, y, Sequence.allocate(Precision.FLOAT64, 3, 6)));
    assertEquals("expected gradY of 4 steps × width 6 (T × B·n), found 3 × 6", e.getMessage());
  }
}
