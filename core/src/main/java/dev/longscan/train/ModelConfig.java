package dev.longscan.train;

import dev.longscan.ParameterException;
import dev.longscan.nn.LayerKind;
import dev.longscan.nn.LayerSpec;
import dev.longscan.nn.Solver;
import dev.longscan.tasks.Target;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's configuration: a stack of sequence layers and a dense head of {@code outputSize}
 * outputs, read after the last step ({@link Target#CLASS_LAST}, {@link Target#VALUE_LAST}) or at
 * every step ({@link Target#VALUE_EACH}), and the solver of its GRU layers ({@link
 * Solver#SEQUENTIAL} by default; {@link Solver#DEER} and {@link Solver#QUASI} need every layer of
 * the stack to be a GRU).
 */
public record ModelConfig(List<LayerSpec> layers, int outputSize, Target target, Solver solver) {

  /** A configuration whose recurrences are evaluated step by step ({@link Solver#SEQUENTIAL}). */
  public ModelConfig(List<LayerSpec> layers, int outputSize, Target target) {
    this(layers, outputSize, target, Solver.SEQUENTIAL);
  }

  public ModelConfig {
    if (layers == null || layers.isEmpty()) {
      throw new ParameterException("expected at least one layer, found none");
    }
    layers = List.copyOf(layers);
    for (int i = 1; i < layers.size(); i++) {
      if (layers.get(i).inputSize() != layers.get(i - 1).outputSize()) {
        throw new ParameterException("layer " + i + ": expected input size "
            + layers.get(i - 1).outputSize() + " (layer " + (i - 1) + "'s output), found "
            + layers.get(i).inputSize());
      }
    }
    if (outputSize < 1 || (target == Target.CLASS_LAST && outputSize < 2)) {
      throw new ParameterException("expected output size >= " + (target == Target.CLASS_LAST
          ? 2 : 1) + ", found " + outputSize);
    }
    if (target == null) {
      throw new ParameterException("expected a target, found null");
    }
    if (solver == null) {
      throw new ParameterException("expected a solver, found null");
    }
    if (solver != Solver.SEQUENTIAL) {
      for (int i = 0; i < layers.size(); i++) {
        if (layers.get(i).kind() != LayerKind.GRU) {
          throw new ParameterException("layer " + i + ": expected kind gru for solver "
              + solver.id() + ", found " + layers.get(i).kind().id());
        }
      }
    }
  }

  /** This configuration with another solver. */
  public ModelConfig withSolver(Solver s) {
    return new ModelConfig(layers, outputSize, target, s);
  }

  /** {@code depth} layers of one kind, {@code hidden} wide (filter width {@code width}). */
  public static ModelConfig stack(LayerKind kind, int depth, int inputSize, int hidden, int width,
      int outputSize, Target target) {
    if (depth < 1) {
      throw new ParameterException("expected at least 1 layer, found " + depth);
    }
    List<LayerSpec> specs = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      specs.add(new LayerSpec(kind, i == 0 ? inputSize : hidden, hidden, width));
    }
    return new ModelConfig(specs, outputSize, target);
  }

  public int inputSize() {
    return layers.get(0).inputSize();
  }

  /** The first difference from {@code other}, in words, or null when they are equal. */
  public String difference(ModelConfig other) {
    if (layers.size() != other.layers.size()) {
      return "layers: " + layers.size() + " against " + other.layers.size();
    }
    for (int i = 0; i < layers.size(); i++) {
      if (!layers.get(i).equals(other.layers.get(i))) {
        return "layer " + i + ": " + layers.get(i) + " against " + other.layers.get(i);
      }
    }
    if (outputSize != other.outputSize) {
      return "output size: " + outputSize + " against " + other.outputSize;
    }
    if (target != other.target) {
      return "target: " + target + " against " + other.target;
    }
    if (solver != other.solver) {
      return "solver: " + solver.id() + " against " + other.solver.id();
    }
    return null;
  }
}
