package dev.longscan.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backends;
import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.nn.LayerKind;
import dev.longscan.nn.LayerSpec;
import dev.longscan.nn.Matrix;
import dev.longscan.nn.Parameter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OptimizerTest {

  /** The parameters of a small dense layer with made-up gradients. */
  private static List<Parameter> params(long seed) {
    Compute cc = Compute.cpu(Precision.FLOAT64, Backends.sequential());
    List<Parameter> ps = LayerSpec.of(LayerKind.DENSE, 3, 5).create("d", cc,
        new SplittableRandom(seed)).parameters();
    return ps;
  }

  private static void setGrads(List<Parameter> ps, SplittableRandom rnd) {
    for (Parameter p : ps) {
      Matrix g = p.grad();
      for (int r = 0; r < g.rows(); r++) {
        for (int c = 0; c < g.cols(); c++) {
          g.set(r, c, rnd.nextDouble() * 4 - 2);
        }
      }
    }
  }

  @Test
  void adamMatchesItsFormulaWithBiasCorrection() {
    List<Parameter> ps = params(1);
    double[] theta = ps.get(0).value().toDoubleArray();
    double[] m = new double[theta.length];
    double[] v = new double[theta.length];
    Schedule lr = new Schedule(0.1, 2, 0.9);
    Optimizer adam = Optimizer.adam(lr, 0.8, 0.95, 1e-6);
    SplittableRandom rnd = new SplittableRandom(3);
    for (int t = 1; t <= 6; t++) {
      setGrads(ps, rnd);
      double[] g = ps.get(0).grad().toDoubleArray();
      adam.step(ps);
      double rate = 0.1 * Math.min(1, t / 2.0) * Math.pow(0.9, t - 1);
      for (int i = 0; i < theta.length; i++) {
        m[i] = 0.8 * m[i] + 0.2 * g[i];
        v[i] = 0.95 * v[i] + 0.05 * g[i] * g[i];
        double mh = m[i] / (1 - Math.pow(0.8, t));
        double vh = v[i] / (1 - Math.pow(0.95, t));
        theta[i] -= rate * mh / (Math.sqrt(vh) + 1e-6);
      }
      assertArrayEquals(theta, ps.get(0).value().toDoubleArray(), 1e-14, "step " + t);
    }
    assertEquals(6, adam.steps());
  }

  @Test
  void adamFirstStepMovesEveryWeightByTheLearningRate() {
    List<Parameter> ps = params(2);
    double[] before = ps.get(0).value().toDoubleArray();
    setGrads(ps, new SplittableRandom(4));
    double[] g = ps.get(0).grad().toDoubleArray();
    Optimizer.adam(Schedule.constant(0.01)).step(ps);
    double[] after = ps.get(0).value().toDoubleArray();
    for (int i = 0; i < g.length; i++) {
      assertEquals(-0.01 * Math.signum(g[i]), after[i] - before[i], 1e-8);
    }
  }

  @Test
  void sgdSubtractsTheScaledGradient() {
    List<Parameter> ps = params(5);
    double[] before = ps.get(1).value().toDoubleArray();
    setGrads(ps, new SplittableRandom(6));
    double[] g = ps.get(1).grad().toDoubleArray();
    Optimizer.sgd(Schedule.constant(0.5)).step(ps);
    double[] after = ps.get(1).value().toDoubleArray();
    for (int i = 0; i < g.length; i++) {
      assertEquals(before[i] - 0.5 * g[i], after[i], 1e-15);
    }
  }

  @Test
  void adamStateRoundTripContinuesIdentically() throws IOException {
    List<Parameter> a = params(7);
    List<Parameter> b = params(7);
    Optimizer oa = Optimizer.adam(Schedule.constant(0.05));
    SplittableRandom ra = new SplittableRandom(8);
    for (int t = 0; t < 3; t++) {
      setGrads(a, ra);
      oa.step(a);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    oa.writeState(new DataOutputStream(bytes));
    for (int i = 0; i < a.size(); i++) {
      b.get(i).value().copyFrom(a.get(i).value());
    }
    Optimizer ob = Optimizer.adam(Schedule.constant(0.05));
    ob.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), b);
    assertEquals(3, ob.steps());
    SplittableRandom r1 = new SplittableRandom(9);
    SplittableRandom r2 = new SplittableRandom(9);
    for (int t = 0; t < 3; t++) {
      setGrads(a, r1);
      setGrads(b, r2);
      oa.step(a);
      ob.step(b);
    }
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).value().toDoubleArray(), b.get(i).value().toDoubleArray(), 0.0);
    }
  }

  @Test
  void clippingScalesToTheNormOnlyAboveIt() {
    List<Parameter> ps = params(10);
    setGrads(ps, new SplittableRandom(11));
    double sq = 0;
    for (Parameter p : ps) {
      for (double v : p.grad().toDoubleArray()) {
        sq += v * v;
      }
    }
    double norm = Math.sqrt(sq);
    double[] g0 = ps.get(0).grad().toDoubleArray();
    assertEquals(norm, Clipping.clipGlobalNorm(ps, norm * 2), 1e-12);
    assertArrayEquals(g0, ps.get(0).grad().toDoubleArray(), 0.0);
    assertEquals(norm, Clipping.clipGlobalNorm(ps, 1.0), 1e-12);
    assertEquals(1.0, Clipping.globalNorm(ps), 1e-12);
    double[] g1 = ps.get(0).grad().toDoubleArray();
    for (int i = 0; i < g0.length; i++) {
      assertEquals(g0[i] / norm, g1[i], 1e-14);
    }
    assertThrows(ParameterException.class, () -> Clipping.clipGlobalNorm(ps, 0));
  }

  @Test
  void schedulesWarmUpAndDecay() {
    Schedule s = new Schedule(1.0, 4, 0.5);
    assertEquals(0.25, s.at(1), 0);
    assertEquals(0.5 * 0.5, s.at(2), 1e-15);
    assertEquals(Math.pow(0.5, 4), s.at(5), 1e-15);
    assertEquals(0.3, Schedule.constant(0.3).at(1000), 0);
    ParameterException e = assertThrows(ParameterException.class, () -> new Schedule(0, 0, 1));
    assertTrue(e.getMessage().contains("learning rate > 0"), e.getMessage());
    assertThrows(ParameterException.class, () -> new Schedule(0.1, 0, 1.5));
    assertThrows(ParameterException.class, () -> Optimizer.adam(Schedule.constant(0.1), 1.0, 0.9,
        1e-8));
  }
}
