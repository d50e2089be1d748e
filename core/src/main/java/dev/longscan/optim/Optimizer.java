package dev.longscan.optim;

import dev.longscan.nn.Parameter;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * Updates parameters from their accumulated gradients, one call per training step. The state
 * (moments, step count) can be written and read back, so a checkpointed run resumes bit for bit.
 */
public interface Optimizer {

  /** "sgd", "adam". */
  String name();

  /** Applies one update to every parameter from its gradient (gradients are left unchanged). */
  void step(List<Parameter> parameters);

  /** Updates done so far. */
  long steps();

  /** Writes the state. */
  void writeState(DataOutput out) throws IOException;

  /** Reads a state written by {@link #writeState} for the same parameter shapes. */
  void readState(DataInput in, List<Parameter> parameters) throws IOException;

  /** Plain SGD: θ ← θ − lr(t) · g. */
  static Optimizer sgd(Schedule learningRate) {
    return new Sgd(learningRate);
  }

  /**
   * Adam (D. Kingma, J. Ba, ICLR 2015) with bias correction: m ← β1 m + (1 − β1) g,
   * v ← β2 v + (1 − β2) g², θ ← θ − lr(t) · m̂ / (√v̂ + ε) with m̂ = m / (1 − β1^t),
   * v̂ = v / (1 − β2^t).
   */
  static Optimizer adam(Schedule learningRate, double beta1, double beta2, double epsilon) {
    return new Adam(learningRate, beta1, beta2, epsilon);
  }

  /** Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8. */
  static Optimizer adam(Schedule learningRate) {
    return adam(learningRate, 0.9, 0.999, 1e-8);
  }
}
