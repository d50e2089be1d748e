package dev.longscan.nn;

import dev.longscan.ParameterException;
import java.util.SplittableRandom;

/**
 * A layer's configuration: kind, input and output sizes, and the QRNN filter width (1 for the
 * other kinds). {@link #create} builds the layer with seeded initial parameters: every weight
 * matrix uniform in ±1/√fanIn, every bias 0 except the gate that multiplies the previous state
 * (GILR's g, GILR-LSTM's, SRU's, QRNN's and LSTM's forget gate f, GRU's update gate z), whose bias
 * is +3 (σ(3) ≈ 0.95), so that the layers start out remembering: with +1 (σ ≈ 0.73) a 2-layer
 * GILR-LSTM did not learn the 2b task at T = 128 in 400 Adam steps, with +3 it did in under 100.
 */
public record LayerSpec(LayerKind kind, int inputSize, int outputSize, int width) {

  public LayerSpec {
    if (kind == null) {
      throw new ParameterException("expected a layer kind, found null");
    }
    if (inputSize < 1 || outputSize < 1) {
      throw new ParameterException(kind + ": expected input and output sizes >= 1, found "
          + inputSize + " and " + outputSize);
    }
    if (width < 1 || (kind != LayerKind.QRNN && width != 1)) {
      throw new ParameterException(kind + ": expected filter width " + (kind == LayerKind.QRNN
          ? ">= 1" : "1 (only QRNN has one)") + ", found " + width);
    }
  }

  /** A layer of width 1. */
  public static LayerSpec of(LayerKind kind, int inputSize, int outputSize) {
    return new LayerSpec(kind, inputSize, outputSize, 1);
  }

  /**
   * The layer, named {@code name}, computing on {@code compute}, its parameters drawn from
   * {@code random}.
   */
  public Layer create(String name, Compute compute, SplittableRandom random) {
    switch (kind) {
      case DENSE: return new Dense(name, this, compute, random);
      case GILR: return new Gilr(name, this, compute, random);
      case GILR_LSTM: return new GilrLstm(name, this, compute, random);
      case SRU: return new Sru(name, this, compute, random);
      case QRNN: return new Qrnn(name, this, compute, random);
      case LSTM: return new Lstm(name, this, compute, random);
      default: return new Gru(name, this, compute, random);
    }
  }

  /**
   * As {@link #create(String, Compute, SplittableRandom)}, the recurrence evaluated by
   * {@code solver}: {@link Solver#SEQUENTIAL} (or null) gives the same layer; {@link Solver#DEER}
   * and {@link Solver#QUASI} are for {@link LayerKind#GRU} only and give a GRU with the same
   * parameters (same names, same initial values) whose forward pass is a DEER solve.
   *
   * @throws ParameterException for a DEER solver with another kind
   */
  public Layer create(String name, Compute compute, SplittableRandom random, Solver solver) {
    if (solver == null || solver == Solver.SEQUENTIAL) {
      return create(name, compute, random);
    }
    if (kind != LayerKind.GRU) {
      throw new ParameterException(name + ": expected kind gru for solver " + solver.id()
          + ", found " + kind.id());
    }
    return new DeerGru(name, this, compute, random, solver);
  }

  @Override
  public String toString() {
    return kind + "(" + inputSize + " → " + outputSize + (width != 1 ? ", k=" + width : "") + ")";
  }
}
