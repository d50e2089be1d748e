package dev.longscan.train;

import dev.longscan.ParameterException;
import dev.longscan.ShapeException;
import dev.longscan.nn.Compute;
import dev.longscan.nn.Layer;
import dev.longscan.nn.LayerKind;
import dev.longscan.nn.LayerSpec;
import dev.longscan.nn.Matrix;
import dev.longscan.nn.Parameter;
import dev.longscan.tasks.Batch;
import dev.longscan.tasks.Target;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Stacked sequence layers and a dense head: softmax cross-entropy on the last step's head output
 * ({@link Target#CLASS_LAST}), or mean squared error on the last step's or every step's. Not
 * thread-safe.
 */
public final class Model {
  private final ModelConfig config;
  private final Compute cc;
  private final List<Layer> layers = new ArrayList<>();
  private final Layer head;
  private final List<Parameter> parameters = new ArrayList<>();

  private Model(ModelConfig config, Compute compute, long seed) {
    this.config = config;
    this.cc = compute;
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < config.layers().size(); i++) {
      LayerSpec s = config.layers().get(i);
      Layer l = s.create("layer" + i + "." + s.kind().id(), compute, rnd, config.solver());
      layers.add(l);
      parameters.addAll(l.parameters());
    }
    int top = config.layers().get(config.layers().size() - 1).outputSize();
    head = LayerSpec.of(LayerKind.DENSE, top, config.outputSize()).create("head", compute, rnd);
    parameters.addAll(head.parameters());
  }

  /** A model with parameters initialised from {@code seed} (see {@link LayerSpec}). */
  public static Model create(ModelConfig config, Compute compute, long seed) {
    if (config == null || compute == null) {
      throw new ParameterException("expected a configuration and a compute, found " + config
          + ", " + compute);
    }
    return new Model(config, compute, seed);
  }

  public ModelConfig config() {
    return config;
  }

  public Compute compute() {
    return cc;
  }

  /** Every parameter, layer by layer, the head last: the order of the model file. */
  public List<Parameter> parameters() {
    return Collections.unmodifiableList(parameters);
  }

  /**
   * The head's output for inputs [steps·B × inputSize]: [B × outputSize] for the last-step
   * targets, [steps·B × outputSize] for {@link Target#VALUE_EACH}.
   */
  public Matrix forward(Matrix inputs, int steps) {
    Matrix h = inputs;
    for (Layer l : layers) {
      h = l.forward(h, steps);
    }
    if (config.target() == Target.VALUE_EACH) {
      return head.forward(h, steps);
    }
    int batch = h.rows() / steps;
    return head.forward(h.rows(h.rows() - batch, h.rows()), 1);
  }

  /** Loss and accuracy of a minibatch, without gradients. */
  public Evaluation evaluate(Batch batch) {
    Matrix out = forward(batch.inputs(), batch.steps());
    return loss(out, batch, null);
  }

  /**
   * Zeroes the gradients, runs forward and backward on the minibatch, leaving ∂loss/∂θ in every
   * parameter's gradient; returns the loss and accuracy.
   */
  public Evaluation lossAndGradients(Batch batch) {
    for (Parameter p : parameters) {
      p.zeroGrad();
    }
    Matrix out = forward(batch.inputs(), batch.steps());
    Matrix dout = out.zerosLike();
    Evaluation e = loss(out, batch, dout);
    Matrix g = head.backward(dout);
    if (config.target() != Target.VALUE_EACH) {
      int rows = batch.inputs().rows();
      Matrix full = cc.zeros(rows, g.cols());
      full.rows(rows - g.rows(), rows).copyFrom(g);
      g = full;
    }
    for (int i = layers.size() - 1; i >= 0; i--) {
      g = layers.get(i).backward(g);
    }
    return e;
  }

  private Evaluation loss(Matrix out, Batch batch, Matrix dout) {
    if (config.target() == Target.CLASS_LAST) {
      int[] labels = batch.labels();
      if (labels == null || labels.length != out.rows()) {
        throw new ShapeException("model: expected " + out.rows() + " labels, found "
            + (labels == null ? "none" : labels.length));
      }
      int classes = out.cols();
      double loss = 0;
      int correct = 0;
      double[] p = new double[classes];
      for (int b = 0; b < out.rows(); b++) {
        int label = labels[b];
        if (label < 0 || label >= classes) {
          throw new ShapeException("model: expected labels in [0, " + classes + "), found "
              + label + " for sequence " + b);
        }
        double max = Double.NEGATIVE_INFINITY;
        int arg = 0;
        for (int c = 0; c < classes; c++) {
          double v = out.get(b, c);
          if (v > max) {
            max = v;
            arg = c;
          }
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
          p[c] = Math.exp(out.get(b, c) - max);
          sum += p[c];
        }
        loss += Math.log(sum) + max - out.get(b, label);
        correct += arg == label ? 1 : 0;
        if (dout != null) {
          for (int c = 0; c < classes; c++) {
            dout.set(b, c, (p[c] / sum - (c == label ? 1 : 0)) / out.rows());
          }
        }
      }
      return new Evaluation(loss / out.rows(), (double) correct / out.rows());
    }
    Matrix y = batch.values();
    if (y == null || y.rows() != out.rows() || y.cols() != out.cols()) {
      throw new ShapeException("model: expected targets of " + out.rows() + " × " + out.cols()
          + ", found " + (y == null ? "none" : y.rows() + " × " + y.cols()));
    }
    double loss = 0;
    double count = (double) out.rows() * out.cols();
    for (int r = 0; r < out.rows(); r++) {
      for (int c = 0; c < out.cols(); c++) {
        double d = out.get(r, c) - y.get(r, c);
        loss += d * d;
        if (dout != null) {
          dout.set(r, c, 2 * d / count);
        }
      }
    }
    return new Evaluation(loss / count, Double.NaN);
  }
}
