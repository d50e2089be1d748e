package dev.longscan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backends;
import dev.longscan.ParameterException;
import dev.longscan.Precision;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The GRU layer evaluated by DEER and quasi-DEER against the sequential GRU layer (the oracle) in
 * float64: outputs, input gradients and parameter gradients, for T and B that are not powers of
 * two and T = 1.
 */
class DeerGruTest {

  private static Matrix random(Compute cc, int rows, int cols, SplittableRandom rnd) {
    Matrix m = cc.zeros(rows, cols);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        m.set(r, c, rnd.nextDouble() * 2 - 1);
      }
    }
    return m;
  }

  private static void assertClose(Matrix expected, Matrix actual, double tol, String what) {
    assertEquals(expected.rows(), actual.rows(), what + " rows");
    assertEquals(expected.cols(), actual.cols(), what + " cols");
    for (int r = 0; r < expected.rows(); r++) {
      for (int c = 0; c < expected.cols(); c++) {
        double e = expected.get(r, c);
        double a = actual.get(r, c);
        assertTrue(Math.abs(e - a) <= tol * (1 + Math.abs(e)), what + " (" + r + ", " + c
            + "): sequential " + e + ", solver " + a);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"deer, 7, 3, 1e-9", "deer, 1, 5, 1e-9", "deer, 13, 5, 1e-9", "quasi, 7, 3, 1e-5",
      "quasi, 1, 5, 1e-5"})
  void matchesTheSequentialGru(String solverId, int steps, int batch, double tol) {
    Solver solver = Solver.of(solverId);
    Compute cc = Compute.cpu(Precision.FLOAT64, Backends.sequential());
    LayerSpec spec = LayerSpec.of(LayerKind.GRU, 4, 3);
    Layer seq = spec.create("layer0.gru", cc, new SplittableRandom(5));
    Layer deer = spec.create("layer0.gru", cc, new SplittableRandom(5), solver);
    assertTrue(deer instanceof DeerGru, "expected a DEER GRU, found " + deer);
    List<Parameter> ps = seq.parameters();
    List<Parameter> pd = deer.parameters();
    assertEquals(ps.size(), pd.size());
    for (int i = 0; i < ps.size(); i++) {
      assertEquals(ps.get(i).name(), pd.get(i).name());
      assertArrayEquals(ps.get(i).value().toDoubleArray(), pd.get(i).value().toDoubleArray());
    }
    SplittableRandom rnd = new SplittableRandom(17);
    Matrix x = random(cc, steps * batch, 4, rnd);
    Matrix dy = random(cc, steps * batch, 3, rnd);
    for (int round = 0; round < 2; round++) {
      // the second round is warm-started from the first round's solution, with new weights
      if (round == 1) {
        for (int i = 0; i < ps.size(); i++) {
          Matrix v = ps.get(i).value();
          for (int r = 0; r < v.rows(); r++) {
            for (int c = 0; c < v.cols(); c++) {
              double nv = v.get(r, c) + 0.1 * (rnd.nextDouble() - 0.5);
              v.set(r, c, nv);
              pd.get(i).value().set(r, c, nv);
            }
          }
        }
      }
      for (int i = 0; i < ps.size(); i++) {
        ps.get(i).zeroGrad();
        pd.get(i).zeroGrad();
      }
      Matrix hs = seq.forward(x, steps).copy();
      Matrix hd = deer.forward(x, steps).copy();
      assertClose(hs, hd, tol, solverId + " output, round " + round);
      Matrix dxs = seq.backward(dy).copy();
      Matrix dxd = deer.backward(dy).copy();
      assertClose(dxs, dxd, tol, solverId + " input gradient, round " + round);
      for (int i = 0; i < ps.size(); i++) {
        assertClose(ps.get(i).grad(), pd.get(i).grad(), tol, solverId + " gradient of "
            + ps.get(i).name() + ", round " + round);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"deer", "quasi"})
  void aNonConvergedSolveFailsNamingIterationsAndResidual(String solverId) {
    Compute cc = Compute.cpu(Precision.FLOAT64, Backends.sequential());
    Layer deer = LayerSpec.of(LayerKind.GRU, 2, 3).create("layer1.gru", cc,
        new SplittableRandom(3), Solver.of(solverId));
    int steps = 6;
    int batch = 3;
    Matrix x = random(cc, steps * batch, 2, new SplittableRandom(4));
    x.set(4 * batch + 1, 1, Double.NaN);
    NotConvergedException e = assertThrows(NotConvergedException.class,
        () -> deer.forward(x, steps));
    assertTrue(e.getMessage().startsWith("layer1.gru: "), e.getMessage());
    assertTrue(e.getMessage().contains("did not converge"), e.getMessage());
    assertTrue(e.getMessage().contains("iterations used, residual"), e.getMessage());
    assertTrue(e.getMessage().contains("step 4, series 1"), e.getMessage());
    assertTrue(!e.result().converged());
    assertThrows(IllegalStateException.class, () -> deer.backward(cc.zeros(steps * batch, 3)));
  }

  @ParameterizedTest
  @CsvSource({"deer", "quasi"})
  void aDeerSolverIsForGruOnly(String solverId) {
    Compute cc = Compute.cpu(Precision.FLOAT64, Backends.sequential());
    ParameterException e = assertThrows(ParameterException.class,
        () -> LayerSpec.of(LayerKind.LSTM, 2, 3).create("layer0.lstm", cc,
            new SplittableRandom(1), Solver.of(solverId)));
    assertTrue(e.getMessage().contains("expected kind gru for solver " + solverId), e.getMessage());
    assertTrue(LayerSpec.of(LayerKind.LSTM, 2, 3).create("layer0.lstm", cc,
        new SplittableRandom(1), Solver.SEQUENTIAL) instanceof Lstm);
    assertThrows(ParameterException.class, () -> Solver.of("newton"));
  }
}
