package dev.longscan.examples;

import dev.longscan.Backend;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.tasks.Rng;
import dev.longscan.tasks.Target;
import dev.longscan.tasks.Task;
import dev.longscan.train.Evaluation;
import dev.longscan.train.Model;
import dev.longscan.train.ModelConfig;
import dev.longscan.train.ModelFile;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Loads a model written by {@code train} and measures it on fresh seeded minibatches. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Load a model file written by 'longscan train' and report its loss (and accuracy, for"
            + " classification) on fresh minibatches drawn from --seed, which training never"
            + " used unless told to.",
        "",
        "Exit status: 0 measured, 2 a bad option or an unreadable model file, 3 the accuracy is"
            + " below --min-accuracy."})
final class EvaluateCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model-file", paramLabel = "FILE", required = true,
      description = "The model file (model.lsm in train's --out).")
  Path modelFile;

  @Option(names = "--task", description = "2b or adding (default: the task the model's inputs"
      + " and outputs fit).")
  String task;

  @Option(names = {"-T", "--steps"}, paramLabel = "T", description = "Sequence length"
      + " (default: ${DEFAULT-VALUE}).", defaultValue = "64")
  int steps;

  @Option(names = "--batch", description = "Sequences per minibatch (default: ${DEFAULT-VALUE}).",
      defaultValue = "32")
  int batch;

  @Option(names = "--batches", description = "Minibatches (default: ${DEFAULT-VALUE}).",
      defaultValue = "8")
  int batches;

  @Option(names = "--seed", description = "Seed of the data (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000003")
  long seed;

  @Option(names = "--backend", description = "cpu or sequential (default: ${DEFAULT-VALUE}).",
      defaultValue = "cpu")
  String backend;

  @Option(names = "--precision", description = "float32 or float64 (default: ${DEFAULT-VALUE}).",
      defaultValue = "float32")
  String precision;

  @Option(names = "--min-accuracy", paramLabel = "FRACTION", description = "Exit with 3 when the"
      + " accuracy is below this (in [0, 1]; classification only).")
  Double minAccuracy;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    checkReadable(modelFile);
    Task given = task == null ? null : ModelOptions.task(task);
    Checks.atLeast("--steps", steps, 1, "");
    Checks.atLeast("--batch", batch, 1, "");
    Checks.atLeast("--batches", batches, 1, "");
    Precision p = ModelOptions.precision(precision);
    ModelOptions.checkBackend(backend);
    if (minAccuracy != null && !(minAccuracy >= 0 && minAccuracy <= 1)) {
      throw new UserError("expected --min-accuracy in [0, 1], found " + minAccuracy);
    }
    try (Backend be = ModelOptions.backend(backend)) {
      Model model = ModelFile.load(modelFile, Compute.cpu(p, be));
      ModelConfig c = model.config();
      Task t = given != null ? given : fitting(c);
      if (t.inputSize() != c.inputSize() || t.outputSize() != c.outputSize()
          || t.target() != c.target()) {
        throw new UserError("--task=" + t.name() + " has " + t.inputSize() + " inputs, "
            + t.outputSize() + " outputs and target " + t.target() + "; the model in "
            + modelFile + " has " + c.inputSize() + ", " + c.outputSize() + " and " + c.target());
      }
      if (minAccuracy != null && t.target() != Target.CLASS_LAST) {
        throw new UserError("--min-accuracy is for classification; --task=" + t.name()
            + " is a regression");
      }
      Rng rng = Rng.seeded(seed);
      double loss = 0;
      double acc = 0;
      long s = System.nanoTime();
      for (int i = 0; i < batches; i++) {
        Evaluation e = model.evaluate(t.next(rng, steps, batch, p));
        loss += e.loss();
        acc += e.accuracy();
      }
      loss /= batches;
      acc /= batches;
      out.printf(Locale.ROOT, "model: %s, %s%n", modelFile, c.layers());
      out.printf(Locale.ROOT, "evaluate: task %s, %d minibatches x %d sequences, T = %d, seed %d"
          + " (%.2f s)%n", t.name(), batches, batch, steps, seed, (System.nanoTime() - s) / 1e9);
      out.printf(Locale.ROOT, "loss %.6g%s%n", loss, t.target() == Target.CLASS_LAST
          ? String.format(Locale.ROOT, ", accuracy %.2f %%", 100 * acc) : "");
      out.flush();
      if (minAccuracy != null && !(acc >= minAccuracy)) {
        throw new Checks.Failed(String.format(Locale.ROOT, "accuracy %.4f is below"
            + " --min-accuracy=%s", acc, minAccuracy));
      }
    }
    return 0;
  }

  private Task fitting(ModelConfig c) {
    for (String name : new String[] {"2b", "adding"}) {
      Task t = Task.named(name);
      if (t.inputSize() == c.inputSize() && t.outputSize() == c.outputSize()
          && t.target() == c.target()) {
        return t;
      }
    }
    throw new UserError("the model in " + modelFile + " (" + c.inputSize() + " inputs, "
        + c.outputSize() + " outputs, target " + c.target() + ") fits neither 2b nor adding;"
        + " name the task with --task");
  }

  static void checkReadable(Path file) {
    if (!Files.exists(file)) {
      throw new UserError("expected --model-file to name an existing file, found no such file: "
          + file + "; train one with 'longscan train' (it writes model.lsm in --out)");
    }
    if (Files.isDirectory(file)) {
      throw new UserError("expected --model-file to name a file, found a directory: " + file
          + (Files.exists(file.resolve(TrainCommand.MODEL)) ? "; did you mean "
          + file.resolve(TrainCommand.MODEL) + "?" : ""));
    }
    if (!Files.isReadable(file)) {
      throw new UserError("expected --model-file to name a file this user may read, found one it"
          + " may not: " + file);
    }
  }
}
