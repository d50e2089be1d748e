package dev.longscan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.nn.LayerKind;
import dev.longscan.optim.Schedule;
import dev.longscan.tasks.Batch;
import dev.longscan.tasks.Rng;
import dev.longscan.tasks.Target;
import dev.longscan.tasks.TwoB;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CI-sized training on the 2b task at T = 128 (2 layers × 32 hidden, batch 32, Adam 0.01, clip 1),
 * float32 on the parallel CPU backend; held-out accuracy on 200 fresh sequences of another seed.
 */
class TwoBTrainingTest {
  static final int T = 128;

  static TrainSettings settings() {
    return new TrainSettings(TwoB.NAME, T, 32, "adam", Schedule.constant(0.01), 1.0, 2, 0);
  }

  static Trainer trainer(LayerKind kind, int width) {
    ModelConfig config = ModelConfig.stack(kind, 2, TwoB.DIMENSIONS, 32, width, 2,
        Target.CLASS_LAST);
    Model m = Model.create(config, Compute.cpu(Precision.FLOAT32, Backends.cpu()), 1);
    return Trainer.create(m, new TwoB(), settings());
  }

  private static double heldOutAccuracy(Model m) {
    Batch b = new TwoB().next(Rng.seeded(999), T, 200, Precision.FLOAT32);
    return m.evaluate(b).accuracy();
  }

  private static double[] curve(Trainer t, long iterations) {
    List<Double> losses = new ArrayList<>();
    t.run(iterations, r -> losses.add(r.loss()));
    return losses.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void twoLayerGilrLstmConvergesOn2bAtT128() {
    Trainer t = trainer(LayerKind.GILR_LSTM, 1);
    double[] losses = curve(t, 300);
    assertTrue(t.converged(), "expected 5 consecutive minibatches at 100 % within 300"
        + " iterations, found none by iteration " + t.iteration() + " (last loss "
        + losses[losses.length - 1] + ")");
    double acc = heldOutAccuracy(t.model());
    assertTrue(acc >= 0.99, "expected held-out accuracy >= 0.99, found " + acc);
    // chance is 0.5: the first loss is near ln 2
    assertTrue(losses[0] > 0.5 && losses[losses.length - 1] < 0.1, "first loss " + losses[0]
        + ", last " + losses[losses.length - 1]);
  }

  @Test
  void sameSeedGivesTheSameLossCurveBitForBit() {
    double[] a = curve(trainer(LayerKind.GILR_LSTM, 1), 25);
    double[] b = curve(trainer(LayerKind.GILR_LSTM, 1), 25);
    assertArrayEquals(a, b, 0.0);
    TrainSettings other = new TrainSettings(TwoB.NAME, T, 32, "adam", Schedule.constant(0.01),
        1.0, 3, 0);
    ModelConfig config = ModelConfig.stack(LayerKind.GILR_LSTM, 2, TwoB.DIMENSIONS, 32, 1, 2,
        Target.CLASS_LAST);
    Trainer t = Trainer.create(Model.create(config,
        Compute.cpu(Precision.FLOAT32, Backends.cpu()), 1), new TwoB(), other);
    double[] c = curve(t, 25);
    assertTrue(c[0] != a[0], "another data seed should give another first minibatch loss");
  }

  @Test
  void sruLearns2bAtT128() {
    Trainer t = trainer(LayerKind.SRU, 1);
    curve(t, 350);
    double acc = heldOutAccuracy(t.model());
    assertTrue(acc >= 0.95, "expected held-out accuracy >= 0.95 after " + t.iteration()
        + " iterations, found " + acc);
  }

  @Test
  void qrnnLearns2bAtT128() {
    Trainer t = trainer(LayerKind.QRNN, 2);
    curve(t, 350);
    double acc = heldOutAccuracy(t.model());
    assertTrue(acc >= 0.95, "expected held-out accuracy >= 0.95 after " + t.iteration()
        + " iterations, found " + acc);
  }
}
