package dev.longscan.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.nn.LayerKind;
import dev.longscan.nn.LayerSpec;
import dev.longscan.nn.Matrix;
import dev.longscan.nn.Parameter;
import dev.longscan.tasks.Adding;
import dev.longscan.tasks.Batch;
import dev.longscan.tasks.Rng;
import dev.longscan.tasks.Target;
import dev.longscan.tasks.TwoB;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole model's gradients (stack, head, softmax cross-entropy or mean squared error) against
 * central finite differences of its loss, in float64.
 */
class ModelGradientTest {

  private static void check(ModelConfig config, Batch batch) {
    Model m = Model.create(config, Compute.cpu(Precision.FLOAT64, Backends.sequential()), 3);
    m.lossAndGradients(batch);
    double eps = 1e-6;
    int checked = 0;
    for (Parameter p : m.parameters()) {
      Matrix v = p.value();
      Matrix g = p.grad().copy();
      // every 3rd element keeps the test fast; all parameters are visited
      for (int i = 0; i < v.rows() * v.cols(); i += 3) {
        int r = i / v.cols();
        int c = i % v.cols();
        double old = v.get(r, c);
        v.set(r, c, old + eps);
        double up = m.evaluate(batch).loss();
        v.set(r, c, old - eps);
        double down = m.evaluate(batch).loss();
        v.set(r, c, old);
        double fd = (up - down) / (2 * eps);
        double tol = 1e-8 + 1e-5 * Math.abs(fd);
        assertTrue(Math.abs(fd - g.get(r, c)) <= tol, config.target() + " " + p.name() + "["
            + r + ", " + c + "]: finite difference " + fd + ", backward " + g.get(r, c));
        checked++;
      }
    }
    assertTrue(checked > 20);
  }

  @Test
  void classificationFromTheLastStep() {
    TwoB task = new TwoB();
    ModelConfig config = new ModelConfig(List.of(LayerSpec.of(LayerKind.GILR_LSTM, 128, 4),
        LayerSpec.of(LayerKind.SRU, 4, 3)), 2, Target.CLASS_LAST);
    check(config, task.next(Rng.seeded(2), 7, 5, Precision.FLOAT64));
  }

  @Test
  void regressionFromTheLastStep() {
    Adding task = new Adding();
    ModelConfig config = new ModelConfig(List.of(new LayerSpec(LayerKind.QRNN, 2, 4, 2),
        LayerSpec.of(LayerKind.GILR, 4, 3)), 1, Target.VALUE_LAST);
    check(config, task.next(Rng.seeded(2), 9, 5, Precision.FLOAT64));
  }

  @Test
  void regressionAtEveryStep() {
    Adding task = new Adding();
    Batch b = task.next(Rng.seeded(4), 6, 5, Precision.FLOAT64);
    Matrix targets = Matrix.zeros(Precision.FLOAT64, 30, 2);
    Rng r = Rng.seeded(5);
    for (int i = 0; i < 30; i++) {
      targets.set(i, 0, r.nextDouble());
      targets.set(i, 1, r.nextDouble());
    }
    Batch each = new Batch(b.inputs(), 6, 5, null, targets);
    ModelConfig config = new ModelConfig(List.of(LayerSpec.of(LayerKind.LSTM, 2, 3),
        LayerSpec.of(LayerKind.GRU, 3, 3)), 2, Target.VALUE_EACH);
    check(config, each);
  }
}
