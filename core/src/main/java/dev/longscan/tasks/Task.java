package dev.longscan.tasks;

import dev.longscan.Precision;

/** A source of training minibatches, drawn fresh from a seeded generator on every call. */
public interface Task {

  /** Its name on the command line and in model files ("2b", "adding"). */
  String name();

  int inputSize();

  /** Classes for {@link Target#CLASS_LAST}, value dimensions otherwise. */
  int outputSize();

  Target target();

  /** A minibatch of {@code batch} sequences of {@code steps} steps, drawn from {@code rng}. */
  Batch next(Rng rng, int steps, int batch, Precision precision);

  /** The task named {@code name}. */
  static Task named(String name) {
    switch (name) {
      case TwoB.NAME: return new TwoB();
      case Adding.NAME: return new Adding();
      default:
        throw new dev.longscan.ParameterException("expected a task among " + TwoB.NAME + ", "
            + Adding.NAME + ", found '" + name + "'");
    }
  }
}
