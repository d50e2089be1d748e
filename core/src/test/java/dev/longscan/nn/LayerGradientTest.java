package dev.longscan.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backend;
import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.ShapeException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every layer's gradients, of its input and of every parameter, against central finite
 * differences in float64 (T = 5, B = 3, input 4, hidden 3), and the parallel backend against the
 * sequential one in float32.
 */
class LayerGradientTest {

  static Stream<LayerSpec> specs() {
    return Stream.of(
        LayerSpec.of(LayerKind.DENSE, 4, 3),
        LayerSpec.of(LayerKind.GILR, 4, 3),
        LayerSpec.of(LayerKind.GILR_LSTM, 4, 3),
        LayerSpec.of(LayerKind.SRU, 4, 3),
        LayerSpec.of(LayerKind.SRU, 3, 3),
        new LayerSpec(LayerKind.QRNN, 4, 3, 1),
        new LayerSpec(LayerKind.QRNN, 4, 3, 3),
        new LayerSpec(LayerKind.QRNN, 4, 3, 7),
        LayerSpec.of(LayerKind.LSTM, 4, 3),
        LayerSpec.of(LayerKind.GRU, 4, 3));
  }

  private static Matrix random(Compute cc, int rows, int cols, SplittableRandom rnd) {
    Matrix m = cc.zeros(rows, cols);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        m.set(r, c, rnd.nextDouble() * 2 - 1);
      }
    }
    return m;
  }

  /** L = Σ out ⊙ weights. */
  private static double loss(Layer layer, Matrix x, int steps, Matrix weights) {
    Matrix out = layer.forward(x, steps);
    double s = 0;
    for (int r = 0; r < out.rows(); r++) {
      for (int c = 0; c < out.cols(); c++) {
        s += out.get(r, c) * weights.get(r, c);
      }
    }
    return s;
  }

  private static void assertClose(double expected, double actual, String what) {
    double tol = 1e-7 + 1e-6 * Math.abs(expected);
    assertTrue(Math.abs(expected - actual) <= tol, what + ": finite difference " + expected
        + ", backward " + actual + ", difference " + Math.abs(expected - actual) + " > " + tol);
  }

  @ParameterizedTest
  @MethodSource("specs")
  void gradientsMatchFiniteDifferences(LayerSpec spec) {
    int steps = 5;
    int batch = 3;
    Compute cc = Compute.cpu(Precision.FLOAT64, Backends.sequential());
    SplittableRandom rnd = new SplittableRandom(11);
    Layer layer = spec.create("layer0." + spec.kind().id(), cc, rnd);
    Matrix x = random(cc, steps * batch, spec.inputSize(), rnd);
    Matrix weights = random(cc, steps * batch, spec.outputSize(), rnd);
    for (Parameter p : layer.parameters()) {
      p.zeroGrad();
    }
    layer.forward(x, steps);
    Matrix dx = layer.backward(weights);
    double eps = 1e-5;
    double sumAbs = 0;
    for (int r = 0; r < x.rows(); r++) {
      for (int c = 0; c < x.cols(); c++) {
        double v = x.get(r, c);
        x.set(r, c, v + eps);
        double up = loss(layer, x, steps, weights);
        x.set(r, c, v - eps);
        double down = loss(layer, x, steps, weights);
        x.set(r, c, v);
        assertClose((up - down) / (2 * eps), dx.get(r, c), spec + " ∂L/∂x[" + r + ", " + c + "]");
        sumAbs += Math.abs(dx.get(r, c));
      }
    }
    assertTrue(sumAbs > 0, spec + ": the input gradient is all zero");
    for (Parameter p : layer.parameters()) {
      Matrix v = p.value();
      double pAbs = 0;
      for (int r = 0; r < v.rows(); r++) {
        for (int c = 0; c < v.cols(); c++) {
          double old = v.get(r, c);
          v.set(r, c, old + eps);
          double up = loss(layer, x, steps, weights);
          v.set(r, c, old - eps);
          double down = loss(layer, x, steps, weights);
          v.set(r, c, old);
          assertClose((up - down) / (2 * eps), p.grad().get(r, c),
              spec + " ∂L/∂" + p.name() + "[" + r + ", " + c + "]");
          pAbs += Math.abs(p.grad().get(r, c));
        }
      }
      assertTrue(pAbs > 0, spec + ": the gradient of " + p.name() + " is all zero");
    }
  }

  @ParameterizedTest
  @MethodSource("specs")
  void parallelBackendEqualsSequential(LayerSpec spec) {
    int steps = 37;
    int batch = 3;
    // 64 values per chunk: about four steps of 15 channels, so the scan runs as ~10 chunks
    try (Backend parallel = Backends.cpu(2, 64)) {
      double[][] seq = run(spec, Compute.cpu(Precision.FLOAT32, Backends.sequential()), steps,
          batch);
      double[][] par = run(spec, Compute.cpu(Precision.FLOAT32, parallel), steps, batch);
      assertEquals(seq.length, par.length);
      for (int i = 0; i < seq.length; i++) {
        double scale = 0;
        double diff = 0;
        for (int j = 0; j < seq[i].length; j++) {
          scale = Math.max(scale, Math.abs(seq[i][j]));
          diff = Math.max(diff, Math.abs(seq[i][j] - par[i][j]));
        }
        // float32 rounding of the chunked carries: relative 1e-5 of the largest value
        assertTrue(diff <= 1e-5 * Math.max(1, scale), spec + ": array " + i + " differs by "
            + diff + " (largest value " + scale + ")");
      }
    }
  }

  /** Output, input gradient and parameter gradients of one forward and backward. */
  private static double[][] run(LayerSpec spec, Compute cc, int steps, int batch) {
    SplittableRandom rnd = new SplittableRandom(5);
    Layer layer = spec.create("l", cc, rnd);
    Matrix x = random(cc, steps * batch, spec.inputSize(), rnd);
    Matrix weights = random(cc, steps * batch, spec.outputSize(), rnd);
    List<double[]> out = new ArrayList<>();
    out.add(layer.forward(x, steps).toDoubleArray());
    out.add(layer.backward(weights).toDoubleArray());
    for (Parameter p : layer.parameters()) {
      out.add(p.grad().toDoubleArray());
    }
    return out.toArray(new double[0][]);
  }

  @ParameterizedTest
  @MethodSource("specs")
  void shapeMismatchNamesLayerAndDimension(LayerSpec spec) {
    Compute cc = Compute.cpu(Precision.FLOAT64, Backends.sequential());
    Layer layer = spec.create("layer2", cc, new SplittableRandom(1));
    ShapeException e = assertThrows(ShapeException.class,
        () -> layer.forward(cc.zeros(6, spec.inputSize() + 1), 2));
    assertTrue(e.getMessage().contains("layer2") && e.getMessage().contains("input features"),
        e.getMessage());
    e = assertThrows(ShapeException.class, () -> layer.forward(cc.zeros(7, spec.inputSize()), 2));
    assertTrue(e.getMessage().contains("layer2") && e.getMessage().contains("multiple of T"),
        e.getMessage());
    e = assertThrows(ShapeException.class, () -> layer.forward(cc.zeros(0, spec.inputSize()), 0));
    assertTrue(e.getMessage().contains("layer2") && e.getMessage().contains("steps T >= 1"),
        e.getMessage());
    layer.forward(cc.zeros(6, spec.inputSize()), 2);
    e = assertThrows(ShapeException.class,
        () -> layer.backward(cc.zeros(6, spec.outputSize() + 2)));
    assertTrue(e.getMessage().contains("layer2") && e.getMessage().contains("output gradient"),
        e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("specs")
  void oneStepAndOneSequence(LayerSpec spec) {
    Compute cc = Compute.cpu(Precision.FLOAT64, Backends.sequential());
    SplittableRandom rnd = new SplittableRandom(3);
    Layer layer = spec.create("l", cc, rnd);
    Matrix x = random(cc, 1, spec.inputSize(), rnd);
    Matrix y = layer.forward(x, 1);
    assertEquals(1, y.rows());
    Matrix dx = layer.backward(random(cc, 1, spec.outputSize(), rnd));
    assertEquals(spec.inputSize(), dx.cols());
    for (double v : y.toDoubleArray()) {
      assertTrue(Double.isFinite(v));
    }
  }
}
