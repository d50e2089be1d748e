package dev.longscan.train;

import dev.longscan.ParameterException;
import dev.longscan.optim.Optimizer;
import dev.longscan.optim.Schedule;

/**
 * How a model is trained: task, sequence length, minibatch size, optimiser ("adam" or "sgd")
 * and its learning-rate schedule, gradient-norm clipping (0: none), the data seed, and the loss
 * at or below which a regression minibatch counts as solved (0: never). A run has converged after
 * {@value Trainer#CONVERGED_STREAK} consecutive solved minibatches: at 100 % accuracy for
 * classification, at or below the loss threshold for regression.
 */
public record TrainSettings(String task, int steps, int batch, String optimizer,
    Schedule learningRate, double clipNorm, long seed, double lossThreshold) {

  public TrainSettings {
    if (task == null || task.isEmpty()) {
      throw new ParameterException("expected a task name, found none");
    }
    if (steps < 1 || batch < 1) {
      throw new ParameterException("expected steps >= 1 and batch >= 1, found " + steps + " and "
          + batch);
    }
    if (!"adam".equals(optimizer) && !"sgd".equals(optimizer)) {
      throw new ParameterException("expected optimizer adam or sgd, found " + optimizer);
    }
    if (learningRate == null) {
      throw new ParameterException("expected a learning-rate schedule, found null");
    }
    if (!(clipNorm >= 0)) {
      throw new ParameterException("expected a clipping norm >= 0 (0: none), found " + clipNorm);
    }
  }

  Optimizer newOptimizer() {
    return optimizer.equals("adam") ? Optimizer.adam(learningRate)
        : Optimizer.sgd(learningRate);
  }
}
