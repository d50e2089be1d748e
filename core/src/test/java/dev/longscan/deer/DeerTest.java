package dev.longscan.deer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.Sequence;
import dev.longscan.ShapeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeerTest {

  static Sequence inputs(Precision p, int steps, int width, long seed) {
    Random r = new Random(seed);
    Sequence x = Sequence.allocate(p, steps, width);
    for (int t = 0; t < steps; t++) {
      for (int c = 0; c < width; c++) {
        x.set(t, c, 2 * r.nextDouble() - 1);
      }
    }
    return x;
  }

  static double[] state(int len, long seed) {
    Random r = new Random(seed);
    double[] v = new double[len];
    for (int i = 0; i < len; i++) {
      v[i] = 0.5 * (2 * r.nextDouble() - 1);
    }
    return v;
  }

  /** max |y_t − f(y_{t−1}, x_t)|, computed here independently of the solver. */
  static double residual(Cell c, Sequence x, double[] y0, Sequence y) {
    int n = c.stateSize();
    int m = c.inputSize();
    int batch = y0.length / n;
    double max = 0;
    double[] prev = new double[n];
    double[] xs = new double[Math.max(m, 1)];
    double[] out = new double[n];
    for (int t = 0; t < y.steps(); t++) {
      for (int s = 0; s < batch; s++) {
        for (int k = 0; k < n; k++) {
          prev[k] = t == 0 ? y0[s * n + k] : y.get(t - 1, s * n + k);
        }
        for (int k = 0; k < m; k++) {
          xs[k] = x.get(t, s * m + k);
        }
        c.step(prev, 0, xs, 0, out, 0);
        for (int k = 0; k < n; k++) {
          max = Math.max(max, Math.abs(y.get(t, s * n + k) - out[k]));
        }
      }
    }
    return max;
  }

  static Stream<Arguments> parity() {
    List<Arguments> out = new ArrayList<>();
    String[] kinds = {"gru", "tanh", "lstm"};
    int[][] shapes = {{1, 0, 1}, {1, 1, 3}, {3, 37, 1}, {5, 200, 3}, {2, 129, 2}};
    for (String k : kinds) {
      for (int[] s : shapes) {
        out.add(Arguments.of(k, s[0], s[1], s[2], Precision.FLOAT64));
      }
      out.add(Arguments.of(k, 4, 150, 3, Precision.FLOAT32));
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("parity")
  void solversEqualTheSequentialLoop(String kind, int n, int steps, int batch, Precision prec) {
    int m = 2;
    Cell cell = CellsTest.make(kind, n, m, 1.0, 31 * n + steps);
    int s = cell.stateSize();
    Sequence x = inputs(prec, steps, batch * m, 5 + n);
    double[] y0 = state(batch * s, 9 + n);
    DeerResult ref = Deer.sequential().solve(cell, x, y0);
    assertTrue(ref.converged());
    assertEquals(prec, ref.solution().precision());
    double[] tol = Deer.defaultTolerance(prec);
    // the tolerances bound the last step; the error of a converging iteration is a small multiple
    double slack = prec == Precision.FLOAT32 ? 10 : 20;
    for (Deer d : new Deer[] {Deer.newton(), Deer.quasi(), Deer.damped(),
        Deer.quasi().withDamping(1.0)}) {
      DeerResult r = d.solve(cell, x, y0);
      assertTrue(r.converged(), d + " on " + cell + ": " + r);
      assertFalse(r.nonFinite().isPresent());
      assertEquals(steps, r.solution().steps());
      assertEquals(batch * s, r.solution().width());
      assertEquals(r.iterations() + 1, r.residuals().length);
      if (steps > 0) {
        assertTrue(r.iterations() >= 1);
        // plain Newton on this lower-triangular system is exact after T steps at the latest
        if (d.method().equals("deer")) {
          assertTrue(r.iterations() <= steps + 1, r.toString());
        }
      }
      for (int t = 0; t < steps; t++) {
        for (int c = 0; c < batch * s; c++) {
          double e = ref.solution().get(t, c);
          assertEquals(e, r.solution().get(t, c), slack * (tol[0] + tol[1] * Math.abs(e)),
              d.method() + " " + cell + " step " + t + " column " + c);
        }
      }
      // second oracle: the solution's own residual, computed independently
      assertTrue(residual(cell, x, y0, r.solution()) <= slack * (tol[0] + tol[1]),
          d.method() + " residual " + residual(cell, x, y0, r.solution()));
    }
  }

  @Test
  void newtonWithTightToleranceMatchesToRounding() {
    Cell cell = CellsTest.make("gru", 6, 2, 1.0, 3);
    Sequence x = inputs(Precision.FLOAT64, 301, 2 * 5, 4);
    double[] y0 = state(5 * 6, 8);
    Sequence ref = Deer.sequential().solve(cell, x, y0).solution();
    DeerResult r = Deer.newton().withTolerance(1e-13, 0).solve(cell, x, y0);
    assertTrue(r.converged(), r.toString());
    for (int t = 0; t < 301; t++) {
      for (int c = 0; c < 30; c++) {
        assertEquals(ref.get(t, c), r.solution().get(t, c), 1e-12);
      }
    }
    double[] res = r.residuals();
    assertTrue(res[res.length - 1] < 1e-13, r.toString());
  }

  @Test
  void initialGuessesAndWarmStart() {
    Cell cell = CellsTest.make("lstm", 3, 2, 1.0, 17);
    Sequence x = inputs(Precision.FLOAT64, 97, 2 * 2, 1);
    double[] y0 = state(2 * 6, 2);
    DeerResult ref = Deer.sequential().solve(cell, x, y0);
    DeerResult zeros = Deer.newton().solve(cell, x, y0);
    DeerResult rep = Deer.newton().withInitialGuess(Deer.InitialGuess.REPEAT_Y0).solve(cell, x, y0);
    assertTrue(zeros.converged());
    assertTrue(rep.converged());
    assertTrue(rep.residuals()[0] != zeros.residuals()[0], "different first iterates");
    for (Deer d : new Deer[] {Deer.newton(), Deer.quasi(), Deer.damped()}) {
      DeerResult warm = d.solve(cell, x, y0, ref.solution());
      assertTrue(warm.converged());
      assertEquals(1, warm.iterations(), d + " " + warm);
      assertEquals(0, warm.residuals()[0], 1e-15);
    }
    ShapeException e = assertThrows(ShapeException.class,
        () -> Deer.newton().solve(cell, x, y0, Sequence.allocate(Precision.FLOAT64, 96, 12)));
    assertEquals("expected a warm start of 97 steps × width 12 (T × B·n), found 96 × 12",
        e.getMessage());
  }

  @Test
  void chaoticCellWithTinyBudgetReportsFailureAndBestIterate() {
    Cell cell = CellsTest.make("tanh", 4, 2, 3.0, 12);
    Sequence x = inputs(Precision.FLOAT64, 300, 2 * 2, 3);
    double[] y0 = state(2 * 4, 4);
    for (Deer d : new Deer[] {Deer.newton(), Deer.quasi(), Deer.damped()}) {
      DeerResult r = d.withMaxIterations(3).solve(cell, x, y0);
      assertFalse(r.converged(), r.toString());
      double[] res = r.residuals();
      if (!r.nonFinite().isPresent()) {
        assertEquals(3, r.iterations());
        assertEquals(4, res.length);
        assertEquals(3, r.stepRatios().length);
      }
      int best = 0;
      for (int k = 0; k < res.length; k++) {
        if (res[k] < res[best]) {
          best = k;
        }
      }
      assertEquals(best, r.bestIteration(), r.toString());
      assertEquals(res[best], residual(cell, x, y0, r.solution()), 1e-12 * (1 + res[best]));
      assertTrue(r.residual() > 1e-3, r.toString());
    }
  }

  @Test
  void nanInAnInputIsReportedAtItsStep() {
    Cell cell = CellsTest.make("gru", 3, 2, 1.0, 1);
    Sequence x = inputs(Precision.FLOAT32, 50, 3 * 2, 2);
    x.set(17, 1 * 2 + 1, Double.NaN); // step 17, series 1, input 1
    double[] y0 = state(9, 3);
    for (Deer d : new Deer[] {Deer.sequential(), Deer.newton(), Deer.quasi(), Deer.damped()}) {
      DeerResult r = d.solve(cell, x, y0);
      assertFalse(r.converged(), d.method());
      DeerResult.NonFinite nf = r.nonFinite().orElseThrow();
      assertEquals(17, nf.step(), d.method() + " " + nf);
      assertEquals(1, nf.series(), d.method() + " " + nf);
      assertTrue(Double.isNaN(nf.value()));
      if (!d.method().equals("sequential")) {
        assertEquals("f", nf.where());
        assertEquals(0, nf.iteration());
        assertEquals(0, r.iterations());
      } else {
        // the sequential values are as computed: NaN from step 17 of series 1 on, nothing zeroed
        assertTrue(Double.isNaN(r.solution().get(17, 3)));
        assertTrue(Double.isNaN(r.solution().get(49, 3)));
        assertTrue(Double.isFinite(r.solution().get(49, 0)));
      }
    }
  }

  @Test
  void dampingConvergesWhereNewtonOverflows() {
    // f(y, x) = tanh(x + 5y): at the zero guess J = 5(1 − tanh²x), so the first Newton step grows
    // geometrically and overflows past step 500; at the solution |y| is near 1 and J is small. The
    // cell is bistable, so the solved prefix grows by about one step per damped iteration.
    int steps = 700;
    Cell cell = Cells.tanhRnn(1, 1, new double[] {1.0, 5.0, 0.0});
    Sequence x = inputs(Precision.FLOAT64, steps, 2, 6);
    double[] y0 = {0.1, -0.2};
    DeerResult plain = Deer.newton().solve(cell, x, y0);
    assertFalse(plain.converged());
    DeerResult.NonFinite nf = plain.nonFinite().orElseThrow();
    assertEquals("iterate", nf.where());
    assertEquals(1, nf.iteration());
    assertTrue(nf.step() > 300 && nf.step() < steps, nf.toString());
    assertFalse(Deer.quasi().solve(cell, x, y0).converged());
    DeerResult ref = Deer.sequential().solve(cell, x, y0);
    for (Deer d : new Deer[] {Deer.damped(), Deer.quasi().withDamping(0)}) {
      DeerResult r = d.withMaxIterations(steps + 50).solve(cell, x, y0);
      assertTrue(r.converged(), r.toString());
      assertFalse(r.nonFinite().isPresent());
      for (int t = 0; t < steps; t++) {
        for (int c = 0; c < 2; c++) {
          double e = ref.solution().get(t, c);
          assertEquals(e, r.solution().get(t, c), 20 * (1e-6 + 1e-4 * Math.abs(e)));
        }
      }
    }
  }

  @Test
  void aDampedSolveReportsTheNonFiniteTrialItRejected() {
    // f(y, x) = x + exp(y)/10 from a warm start at 700: the first trial steps past log(MAX_VALUE),
    // where f overflows; plain Newton stops there, the damped solver rejects it and goes on.
    Cell cell = new Cell() {
      public int stateSize() {
        return 1;
      }

      public int inputSize() {
        return 1;
      }

      public void step(double[] y, int yo, double[] x, int xo, double[] out, int oo) {
        out[oo] = x[xo] + Math.exp(y[yo]) / 10;
      }

      public void jacobian(double[] y, int yo, double[] x, int xo, double[] j, int jo) {
        j[jo] = Math.exp(y[yo]) / 10;
      }
    };
    Sequence x = inputs(Precision.FLOAT64, 40, 1, 8);
    Sequence warm = Sequence.allocate(Precision.FLOAT64, 40, 1);
    warm.fill(700);
    double[] y0 = {700};
    DeerResult plain = Deer.newton().solve(cell, x, y0, warm);
    assertFalse(plain.converged());
    assertEquals(1, plain.iterations());
    assertTrue(plain.nonFinite().isPresent(), plain.toString());
    DeerResult damped = Deer.damped().withMaxIterations(6).solve(cell, x, y0, warm);
    assertFalse(damped.converged());
    assertEquals(6, damped.iterations(), damped.toString());
    DeerResult.NonFinite nf = damped.nonFinite().orElseThrow();
    assertEquals(1, nf.iteration(), nf.toString());
    assertEquals(Double.POSITIVE_INFINITY, damped.stepRatios()[0]);
    assertEquals(damped.residuals()[0], damped.residuals()[1]); // the rejected trial kept the iterate
  }

  @Test
  void badArgumentsAreNamed() {
    Cell cell = CellsTest.make("gru", 3, 2, 1.0, 1);
    Sequence x = inputs(Precision.FLOAT64, 5, 4, 2);
    ShapeException e = assertThrows(ShapeException.class,
        () -> Deer.newton().solve(cell, x, new double[5]));
    assertEquals("expected y0 of B·n values (n = 3, B >= 1), found 5", e.getMessage());
    e = assertThrows(ShapeException.class, () -> Deer.newton().solve(cell, x, new double[9]));
    assertEquals("expected x of width 6 (B = 3 series × m = 2 inputs), found 4", e.getMessage());
    double[] y0 = new double[6];
    y0[4] = Double.POSITIVE_INFINITY;
    ParameterException p = assertThrows(ParameterException.class,
        () -> Deer.newton().solve(cell, x, y0));
    assertEquals("expected finite y0, found Infinity at series 1, channel 1", p.getMessage());
    assertThrows(ParameterException.class, () -> Deer.newton().withMaxIterations(0));
    assertThrows(ParameterException.class, () -> Deer.newton().withTolerance(0, 0));
    assertThrows(ParameterException.class, () -> Deer.newton().withDamping(-1));
    assertNotNull(Deer.newton().toString());
  }
}
