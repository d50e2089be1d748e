package dev.longscan.tasks;

import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.nn.Matrix;

/**
 * Hochreiter &amp; Schmidhuber's task 2b as Martin &amp; Cundy use it: step 0 is x_0 = (±1, 0, …, 0)
 * and steps 1 … T−1 are one-hot vectors in 128 dimensions, uniformly random; the label, read
 * after the last step, is the sign of x_0 (class 1 for +1, class 0 for −1).
 */
public final class TwoB implements Task {
  public static final String NAME = "2b";
  public static final int DIMENSIONS = 128;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int inputSize() {
    return DIMENSIONS;
  }

  @Override
  public int outputSize() {
    return 2;
  }

  @Override
  public Target target() {
    return Target.CLASS_LAST;
  }

  @Override
  public Batch next(Rng rng, int steps, int batch, Precision precision) {
    if (steps < 1 || batch < 1) {
      throw new ParameterException("2b: expected steps >= 1 and batch >= 1, found " + steps
          + " and " + batch);
    }
    Matrix x = Matrix.zeros(precision, steps * batch, DIMENSIONS);
    int[] labels = new int[batch];
    for (int b = 0; b < batch; b++) {
      boolean positive = rng.nextBoolean();
      labels[b] = positive ? 1 : 0;
      x.set(b, 0, positive ? 1 : -1);
    }
    for (int t = 1; t < steps; t++) {
      for (int b = 0; b < batch; b++) {
        x.set(t * batch + b, rng.nextInt(DIMENSIONS), 1);
      }
    }
    return new Batch(x, steps, batch, labels, null);
  }
}
