package dev.longscan.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.nn.LayerKind;
import dev.longscan.optim.Schedule;
import dev.longscan.tasks.Adding;
import dev.longscan.tasks.Rng;
import org.junit.jupiter.api.Test;

/** The adding problem as regression: a 2-layer GILR-LSTM gets well below the constant guess. */
class AddingTrainingTest {

  @Test
  void gilrLstmLearnsTheAddingProblem() {
    Adding task = new Adding();
    int steps = 50;
    ModelConfig config = ModelConfig.stack(LayerKind.GILR_LSTM, 2, 2, 24, 1, 1,
        task.target());
    Model m = Model.create(config, Compute.cpu(Precision.FLOAT32, Backends.cpu()), 1);
    TrainSettings s = new TrainSettings(task.name(), steps, 32, "adam", Schedule.constant(0.01),
        1.0, 7, 0.003);
    Trainer t = Trainer.create(m, task, s);
    // the best constant guess, 1, has a mean squared error of 1/6 (two uniform values)
    double before = m.evaluate(task.next(Rng.seeded(99), steps, 500, Precision.FLOAT32)).loss();
    t.run(400, null);
    double after = m.evaluate(task.next(Rng.seeded(99), steps, 500, Precision.FLOAT32)).loss();
    assertTrue(after < 0.02, "expected held-out MSE < 0.02 (constant guess 0.167), found " + after
        + " after " + t.iteration() + " iterations (before training " + before + ")");
  }
}
