package dev.longscan.train;

import dev.longscan.nn.Compute;
import dev.longscan.optim.Clipping;
import dev.longscan.optim.Optimizer;
import dev.longscan.optim.Schedule;
import dev.longscan.tasks.Batch;
import dev.longscan.tasks.Rng;
import dev.longscan.tasks.Target;
import dev.longscan.tasks.Task;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The training loop: every step draws a fresh minibatch from the task's seeded generator, computes
 * loss and gradients, clips the gradient norm and updates the parameters. Everything a step
 * depends on (parameters, optimiser state, iteration, generator state, convergence streak) is in
 * a checkpoint, so a run stopped and resumed from one gives the same loss curve bit for bit.
 *
 * <p>Checkpoint layout: the model file's container with magic {@code "LSCCHKPT"}, version
 * {@value #CHECKPOINT_VERSION}; payload: the settings (UTF task, ints steps and batch, UTF
 * optimiser, double learning rate, int warm-up, double decay, double clip norm, long seed, double
 * loss threshold), the model payload of {@link ModelFile}, the optimiser state, long iteration,
 * long generator state, int convergence streak.
 */
public final class Trainer {
  /** Consecutive minibatches at 100 % accuracy that count as converged. */
  public static final int CONVERGED_STREAK = 5;
  public static final int CHECKPOINT_VERSION = 1;
  static final String CHECKPOINT_MAGIC = "LSCCHKPT";

  private final Model model;
  private final Task task;
  private final TrainSettings settings;
  private final Optimizer optimizer;
  private Rng rng;
  private long iteration;
  private int streak;

  private Trainer(Model model, Task task, TrainSettings settings) {
    if (!task.name().equals(settings.task())) {
      throw new dev.longscan.ParameterException("expected task " + settings.task()
          + " (the settings'), found " + task.name());
    }
    if (task.inputSize() != model.config().inputSize()
        || task.outputSize() != model.config().outputSize()
        || task.target() != model.config().target()) {
      throw new dev.longscan.ParameterException("task " + task.name() + " has " + task.inputSize()
          + " inputs, " + task.outputSize() + " outputs, target " + task.target()
          + "; expected the model's " + model.config().inputSize() + ", "
          + model.config().outputSize() + ", " + model.config().target());
    }
    this.model = model;
    this.task = task;
    this.settings = settings;
    this.optimizer = settings.newOptimizer();
    this.rng = Rng.seeded(settings.seed());
  }

  /** A trainer at iteration 0 for {@code model}. */
  public static Trainer create(Model model, Task task, TrainSettings settings) {
    return new Trainer(model, task, settings);
  }

  public Model model() {
    return model;
  }

  public TrainSettings settings() {
    return settings;
  }

  /** Steps done. */
  public long iteration() {
    return iteration;
  }

  /** True once the convergence criterion holds (see {@link TrainSettings}). */
  public boolean converged() {
    return streak >= CONVERGED_STREAK;
  }

  /**
   * One step. A non-finite loss or gradient norm throws before the parameters change, so the
   * model is still the last good one.
   *
   * @throws TrainingException naming the iteration
   */
  public StepResult step() {
    long it = iteration + 1;
    Batch batch = task.next(rng, settings.steps(), settings.batch(),
        model.compute().precision());
    Evaluation e = model.lossAndGradients(batch);
    if (!Double.isFinite(e.loss())) {
      throw new TrainingException("non-finite loss " + e.loss() + " at iteration " + it
          + "; the parameters are those after iteration " + iteration);
    }
    double norm = settings.clipNorm() > 0
        ? Clipping.clipGlobalNorm(model.parameters(), settings.clipNorm())
        : Clipping.globalNorm(model.parameters());
    if (!Double.isFinite(norm)) {
      throw new TrainingException("non-finite gradient norm at iteration " + it
          + "; the parameters are those after iteration " + iteration);
    }
    optimizer.step(model.parameters());
    iteration = it;
    boolean good = model.config().target() == Target.CLASS_LAST ? e.accuracy() == 1.0
        : settings.lossThreshold() > 0 && e.loss() <= settings.lossThreshold();
    streak = good ? streak + 1 : 0;
    return new StepResult(it, e.loss(), e.accuracy(), norm);
  }

  /**
   * Steps until converged or {@code maxIterations} steps in all (counting earlier ones), handing
   * each result to {@code listener} (may be null); returns whether it converged.
   */
  public boolean run(long maxIterations, Consumer<StepResult> listener) {
    while (!converged() && iteration < maxIterations) {
      StepResult r = step();
      if (listener != null) {
        listener.accept(r);
      }
    }
    return converged();
  }

  /** Writes a checkpoint of everything the next steps depend on. */
  public void saveCheckpoint(Path path) {
    Container.write(path, CHECKPOINT_MAGIC, CHECKPOINT_VERSION, out -> {
      TrainSettings s = settings;
      out.writeUTF(s.task());
      out.writeInt(s.steps());
      out.writeInt(s.batch());
      out.writeUTF(s.optimizer());
      out.writeDouble(s.learningRate().base());
      out.writeInt(s.learningRate().warmup());
      out.writeDouble(s.learningRate().decay());
      out.writeDouble(s.clipNorm());
      out.writeLong(s.seed());
      out.writeDouble(s.lossThreshold());
      ModelFile.writeModel(model, out);
      optimizer.writeState(out);
      out.writeLong(iteration);
      out.writeLong(rng.state());
      out.writeInt(streak);
    });
  }

  /**
   * The trainer saved in {@code path}, which must have been written for {@code expected}
   * settings and {@code config}.
   *
   * @throws ModelFileException naming what differs, or what is wrong with the file
   */
  public static Trainer resume(Path path, Compute compute, Task task, ModelConfig config,
      TrainSettings expected) {
    try (DataInputStream in = Container.read(path, CHECKPOINT_MAGIC, "checkpoint",
        CHECKPOINT_VERSION)) {
      TrainSettings s = new TrainSettings(in.readUTF(), in.readInt(), in.readInt(), in.readUTF(),
          new Schedule(in.readDouble(), in.readInt(), in.readDouble()), in.readDouble(),
          in.readLong(), in.readDouble());
      if (!s.equals(expected)) {
        throw new ModelFileException(path + ": expected a checkpoint of the requested training"
            + " settings " + expected + ", found " + s);
      }
      Model model = ModelFile.readModel(in, compute, config, path);
      Trainer t = new Trainer(model, task, s);
      t.optimizer.readState(in, model.parameters());
      t.iteration = in.readLong();
      t.rng = Rng.fromState(in.readLong());
      t.streak = in.readInt();
      return t;
    } catch (IOException e) {
      throw new ModelFileException(path + ": " + e.getMessage(), e);
    }
  }
}
