package dev.longscan.tasks;

import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.nn.Matrix;

/**
 * The adding problem (Hochreiter &amp; Schmidhuber 1997): every step carries a value uniform in
 * [0, 1) and a marker; exactly two steps are marked, one in the first half and one in the second
 * (both step 0 when T = 1); the target, read after the last step, is the sum of the two marked
 * values. Inputs have 2 features (value, marker), the target 1.
 */
public final class Adding implements Task {
  public static final String NAME = "adding";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int inputSize() {
    return 2;
  }

  @Override
  public int outputSize() {
    return 1;
  }

  @Override
  public Target target() {
    return Target.VALUE_LAST;
  }

  @Override
  public Batch next(Rng rng, int steps, int batch, Precision precision) {
    if (steps < 1 || batch < 1) {
      throw new ParameterException("adding: expected steps >= 1 and batch >= 1, found " + steps
          + " and " + batch);
    }
    Matrix x = Matrix.zeros(precision, steps * batch, 2);
    Matrix y = Matrix.zeros(precision, batch, 1);
    int half = Math.max(1, steps / 2);
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < steps; t++) {
        x.set(t * batch + b, 0, rng.nextDouble());
      }
      int first = rng.nextInt(half);
      int second = steps == 1 ? 0 : half + rng.nextInt(steps - half);
      x.set(first * batch + b, 1, 1);
      x.set(second * batch + b, 1, 1);
      double sum = x.get(first * batch + b, 0) + (first == second ? 0 : x.get(second * batch + b, 0));
      y.set(b, 0, sum);
    }
    return new Batch(x, steps, batch, null, y);
  }
}
