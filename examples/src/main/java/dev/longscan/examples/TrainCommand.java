package dev.longscan.examples;

import dev.longscan.Backend;
import dev.longscan.Backends;
import dev.longscan.LongscanException;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.nn.LayerKind;
import dev.longscan.nn.NotConvergedException;
import dev.longscan.nn.Solver;
import dev.longscan.optim.Schedule;
import dev.longscan.tasks.Target;
import dev.longscan.tasks.Task;
import dev.longscan.train.Model;
import dev.longscan.train.ModelConfig;
import dev.longscan.train.ModelFile;
import dev.longscan.train.StepResult;
import dev.longscan.train.TrainSettings;
import dev.longscan.train.Trainer;
import dev.longscan.train.TrainingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains a model on the 2b or adding task, with a log, a plot, checkpoints and the model file. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Train a stack of RNN layers (GILR, GILR-LSTM, SRU, QRNN, or the step-by-step LSTM and"
            + " GRU) on the 2b task (classification: the sign of the first input, read after the"
            + " last step) or the adding problem (regression), a fresh seeded minibatch every"
            + " iteration.",
        "",
        "Stops at convergence (5 consecutive minibatches at 100 %% accuracy; for regression at or"
            + " below --loss-threshold), at --iterations, or at --time. Writes into --out:"
            + " log.csv (iteration,loss,accuracy,elapsed_s), plot.png (loss and accuracy over"
            + " iterations), model.lsm (the trained model, for 'longscan evaluate') and the"
            + " checkpoint (every --checkpoint-every iterations and at the end) that --resume"
            + " continues, on the same loss curve bit for bit.",
        "",
        "Exit status: 0 trained (converged or not: the last line says), 2 a bad option or a"
            + " stopped run (a non-finite loss: the last good checkpoint is kept)."})
final class TrainCommand implements Callable<Integer> {
  static final String LOG = "log.csv";
  static final String PLOT = "plot.png";
  static final String MODEL = "model.lsm";
  static final String CHECKPOINT = "checkpoint.lsc";

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--task", description = "2b or adding (default: ${DEFAULT-VALUE}).",
      defaultValue = "2b")
  String task;

  @Option(names = "--model", description = "Layer kind: gilr, gilr-lstm, sru, qrnn, lstm or gru"
      + " (default: ${DEFAULT-VALUE}).", defaultValue = "gilr-lstm")
  String kind;

  @Option(names = "--solver", description = "For --model gru only: sequential (step by step),"
      + " deer (DEER: Newton over all steps at once, full Jacobians) or quasi (quasi-DEER,"
      + " diagonal Jacobians); a solve that does not converge stops the run (default:"
      + " sequential).")
  String solver;

  @Option(names = "--layers", description = "Stacked layers (default: ${DEFAULT-VALUE}).",
      defaultValue = "2")
  int layers;

  @Option(names = "--hidden", description = "Hidden units per layer (default: ${DEFAULT-VALUE}).",
      defaultValue = "32")
  int hidden;

  @Option(names = "--filter-width", paramLabel = "K", description = "QRNN filter width k (taps,"
      + " x_t included; default 2 for qrnn; other kinds have none).")
  Integer filterWidth;

  @Option(names = {"-T", "--steps"}, paramLabel = "T", description = "Sequence length"
      + " (default: ${DEFAULT-VALUE}).", defaultValue = "64")
  int steps;

  @Option(names = "--batch", description = "Sequences per minibatch (default: ${DEFAULT-VALUE}).",
      defaultValue = "32")
  int batch;

  @Option(names = "--optimizer", description = "adam or sgd (default: ${DEFAULT-VALUE}).",
      defaultValue = "adam")
  String optimizer;

  @Option(names = "--lr", description = "Learning rate (default: ${DEFAULT-VALUE}).",
      defaultValue = "0.01")
  double lr;

  @Option(names = "--clip", description = "Gradient-norm clipping, 0 for none (default:"
      + " ${DEFAULT-VALUE}).", defaultValue = "1.0")
  double clip;

  @Option(names = "--loss-threshold", description = "Regression: a minibatch at or below this"
      + " loss counts as solved (default: ${DEFAULT-VALUE}; 0: never).", defaultValue = "0.01")
  double lossThreshold;

  @Option(names = "--backend", description = "Scans: cpu (parallel over the sequence) or"
      + " sequential (default: ${DEFAULT-VALUE}).", defaultValue = "cpu")
  String backend;

  @Option(names = "--precision", description = "float32 or float64 (default: ${DEFAULT-VALUE}).",
      defaultValue = "float32")
  String precision;

  @Option(names = "--seed", description = "Seed of the initial parameters; the data generator"
      + " starts from seed + 1 (default: ${DEFAULT-VALUE}).", defaultValue = "1")
  long seed;

  @Option(names = "--iterations", description = "Iteration budget, counting those before a"
      + " --resume (default: ${DEFAULT-VALUE}).", defaultValue = "2000")
  long iterations;

  @Option(names = "--time", paramLabel = "SECONDS", description = "Time budget of this run in"
      + " seconds, 0 for none (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  double time;

  @Option(names = "--checkpoint-every", paramLabel = "N", description = "Write the checkpoint"
      + " every N iterations, 0 only at the end (default: ${DEFAULT-VALUE}).",
      defaultValue = "100")
  long checkpointEvery;

  @Option(names = "--checkpoint", paramLabel = "FILE", description = "The checkpoint file"
      + " (default: " + CHECKPOINT + " in --out).")
  Path checkpoint;

  @Option(names = "--resume", description = "Continue from the checkpoint; the options that"
      + " define the run must be those it was written with.")
  boolean resume;

  @Option(names = "--out", paramLabel = "DIR", description = "Directory for the log, plot, model"
      + " and checkpoint (default: ${DEFAULT-VALUE}).", defaultValue = "train-out")
  Path out;

  @Option(names = "--overwrite", description = "Replace the files of an earlier run in --out.")
  boolean overwrite;

  @Option(names = "--progress-every", paramLabel = "SECONDS", description = "Seconds between"
      + " progress lines when standard error is not a terminal (default: ${DEFAULT-VALUE}).",
      defaultValue = "5")
  double progressEvery;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // every option is checked before any work
    Task t = ModelOptions.task(task);
    LayerKind k = ModelOptions.kind(kind);
    int width = filterWidth == null ? (k == LayerKind.QRNN ? 2 : 1) : filterWidth;
    if (k != LayerKind.QRNN && filterWidth != null) {
      throw new UserError("--filter-width is for qrnn only, found --filter-width=" + filterWidth
          + " with --model=" + k.id());
    }
    Solver solv = solver();
    if (solver != null && k != LayerKind.GRU) {
      throw new UserError("--solver is for --model gru only, found --solver=" + solver
          + " with --model=" + k.id());
    }
    Checks.atLeast("--filter-width", width, 1, "");
    Checks.atLeast("--layers", layers, 1, "");
    Checks.atLeast("--hidden", hidden, 1, "");
    Checks.atLeast("--steps", steps, 1, "");
    Checks.atLeast("--batch", batch, 1, "");
    if ((long) steps * batch * Math.max(hidden, t.inputSize()) > Integer.MAX_VALUE / 8) {
      throw new UserError("--steps=" + steps + " x --batch=" + batch + " x " + Math.max(hidden,
          t.inputSize()) + " features is more than one array holds: lower --steps or --batch");
    }
    if (!optimizer.equals("adam") && !optimizer.equals("sgd")) {
      throw new UserError("expected --optimizer adam or sgd, found '" + optimizer + "'");
    }
    if (!(lr > 0) || !Double.isFinite(lr)) {
      throw new UserError("expected --lr > 0 and finite, found " + lr);
    }
    if (!(clip >= 0) || !Double.isFinite(clip)) {
      throw new UserError("expected --clip >= 0 (0: none) and finite, found " + clip);
    }
    if (!(lossThreshold >= 0) || !Double.isFinite(lossThreshold)) {
      throw new UserError("expected --loss-threshold >= 0 (0: never) and finite, found "
          + lossThreshold);
    }
    Checks.atLeast("--iterations", iterations, 1, "");
    if (!(time >= 0) || !Double.isFinite(time)) {
      throw new UserError("expected --time >= 0 seconds (0: none) and finite, found " + time);
    }
    Checks.atLeast("--checkpoint-every", checkpointEvery, 0, "0: only at the end");
    if (!(progressEvery > 0) || !Double.isFinite(progressEvery)) {
      throw new UserError("expected --progress-every > 0 seconds, found " + progressEvery);
    }
    Precision p = ModelOptions.precision(precision);
    ModelOptions.checkBackend(backend);
    if (overwrite && resume) {
      throw new UserError("--overwrite and --resume exclude each other: --resume continues the"
          + " files in --out, --overwrite replaces them");
    }
    Path dir = out.toAbsolutePath().normalize();
    Path ckpt = checkpoint != null ? checkpoint.toAbsolutePath().normalize()
        : dir.resolve(CHECKPOINT);
    checkOutputs(dir, ckpt);
    ModelConfig config = ModelConfig.stack(k, layers, t.inputSize(), hidden, width,
        t.outputSize(), t.target()).withSolver(solv);
    TrainSettings settings = new TrainSettings(t.name(), steps, batch, optimizer,
        Schedule.constant(lr), clip, seed + 1, t.target() == Target.CLASS_LAST ? 0
        : lossThreshold);
    Map<String, String> defining = definingOptions(width);
    if (resume) {
      checkSameRun(ckpt, defining);
    }

    Files.createDirectories(dir);
    try (Backend be = ModelOptions.backend(backend)) {
      Compute cc = Compute.cpu(p, be);
      Trainer trainer = resume ? Trainer.resume(ckpt, cc, t, config, settings)
          : Trainer.create(Model.create(config, cc, seed), t, settings);
      long first = trainer.iteration();
      stdout.printf(Locale.ROOT, "train: %d x %s (%d hidden%s), task %s, T = %d, batch %d,"
          + " %s lr %s, clip %s, %s scans, %s%s%n", layers, k.id()
          + (solv != Solver.SEQUENTIAL ? " by " + solv.id() : ""), hidden,
          k == LayerKind.QRNN ? ", k = " + width : "", t.name(), steps, batch, optimizer, lr,
          clip, backend, p.name().toLowerCase(Locale.ROOT),
          resume ? ", resumed at iteration " + first : "");
      stdout.flush();
      try (TrainLog log = resume ? TrainLog.resume(dir.resolve(LOG), first)
          : TrainLog.create(dir.resolve(LOG))) {
        return train(trainer, log, dir, ckpt, defining, first, stdout, err);
      }
    }
  }

  private int train(Trainer trainer, TrainLog log, Path dir, Path ckpt,
      Map<String, String> defining, long first, PrintWriter stdout, PrintWriter err)
      throws IOException {
    TrainProgress progress = new TrainProgress(err, System.console() != null, progressEvery,
        first, iterations, time);
    double base = log.lastElapsed();
    long t0 = System.nanoTime();
    long lastCheckpoint = resume ? first : -1;
    StepResult last = null;
    String stop = null;
    while (stop == null) {
      if (trainer.converged()) {
        stop = "converged";
        break;
      }
      if (trainer.iteration() >= iterations) {
        stop = "iteration budget reached";
        break;
      }
      if (time > 0 && (System.nanoTime() - t0) / 1e9 >= time) {
        stop = "time budget reached";
        break;
      }
      try {
        last = trainer.step();
      } catch (NotConvergedException e) {
        progress.abort();
        log.flush();
        log.plot(dir.resolve(PLOT), title());
        throw new UserError("training stopped at iteration " + (trainer.iteration() + 1) + ": "
            + e.getMessage() + "; " + (lastCheckpoint >= 0 ? "kept the last good checkpoint "
            + ckpt + " (iteration " + lastCheckpoint + ")" : "no checkpoint was written yet"), e);
      } catch (TrainingException e) {
        progress.abort();
        log.flush();
        log.plot(dir.resolve(PLOT), title());
        throw new UserError("training stopped: " + e.getMessage() + "; "
            + (lastCheckpoint >= 0 ? "kept the last good checkpoint " + ckpt + " (iteration "
            + lastCheckpoint + ")" : "no checkpoint was written yet") + "; the same options"
            + " meet the same loss again: start afresh (--overwrite) with a lower --lr or a"
            + " --clip", e);
      }
      double elapsed = base + (System.nanoTime() - t0) / 1e9;
      log.add(last.iteration(), last.loss(), last.accuracy(), elapsed);
      progress.update(last.iteration(), last.loss(), last.accuracy());
      if (checkpointEvery > 0 && last.iteration() % checkpointEvery == 0) {
        log.flush();
        saveCheckpoint(trainer, ckpt, defining);
        lastCheckpoint = last.iteration();
      }
    }
    log.flush();
    if (trainer.iteration() != lastCheckpoint) {
      saveCheckpoint(trainer, ckpt, defining);
    }
    ModelFile.save(trainer.model(), dir.resolve(MODEL));
    boolean plotted = log.plot(dir.resolve(PLOT), title());
    if (last != null) {
      progress.finish(last.iteration(), last.loss(), last.accuracy());
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    stdout.printf(Locale.ROOT, "%s after %d iterations (%d in this run, %.1f s)%s%n",
        stop, trainer.iteration(), trainer.iteration() - first, secs, last == null ? ""
        : String.format(Locale.ROOT, ": loss %.6g%s", last.loss(), Double.isNaN(last.accuracy())
        ? "" : String.format(Locale.ROOT, ", accuracy %.1f %%", 100 * last.accuracy())));
    stdout.printf("wrote %s, %s%s, %s%n", dir.resolve(LOG), plotted ? dir.resolve(PLOT) + ", "
        : "", dir.resolve(MODEL), ckpt);
    stdout.flush();
    return 0;
  }

  private String title() {
    return String.format(Locale.ROOT, "%s: %d x %s %d, T = %d, batch %d", task, layers, kind,
        hidden, steps, batch);
  }

  /** Existing outputs are replaced only with --overwrite; --resume needs its checkpoint. */
  private void checkOutputs(Path dir, Path ckpt) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new UserError("--out=" + out + " is an existing file, not a directory: choose"
          + " another path");
    }
    Path q = dir;
    while (q != null && !Files.exists(q)) {
      q = q.getParent();
    }
    if (q != null && !Files.isWritable(q)) {
      throw new UserError("--out=" + out + " cannot be written: " + q + " is not writable by"
          + " this user; choose a path you may write");
    }
    if (resume) {
      if (!Files.isRegularFile(ckpt)) {
        throw new UserError("--resume expected the checkpoint " + ckpt + ", found "
            + (Files.exists(ckpt) ? "something that is not a file" : "no such file")
            + "; train without --resume first, or name it with --checkpoint");
      }
      return;
    }
    if (overwrite) {
      return;
    }
    for (Path f : new Path[] {dir.resolve(LOG), dir.resolve(PLOT), dir.resolve(MODEL), ckpt}) {
      if (Files.exists(f)) {
        throw new UserError("--out=" + out + " holds an earlier run (" + f + "): pass --resume to"
            + " continue it, --overwrite to replace it, or choose another --out");
      }
    }
  }

  private Solver solver() {
    if (solver == null) {
      return Solver.SEQUENTIAL;
    }
    try {
      return Solver.of(solver);
    } catch (LongscanException e) {
      throw new UserError("--solver: " + e.getMessage(), e);
    }
  }

  /** The options a resumed run must share with the run that wrote the checkpoint, in order. */
  private Map<String, String> definingOptions(int width) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("--task", task);
    m.put("--model", LayerKind.of(kind).id());
    m.put("--solver", solver().id());
    m.put("--layers", Integer.toString(layers));
    m.put("--hidden", Integer.toString(hidden));
    m.put("--filter-width", Integer.toString(width));
    m.put("--steps", Integer.toString(steps));
    m.put("--batch", Integer.toString(batch));
    m.put("--optimizer", optimizer);
    m.put("--lr", Double.toString(lr));
    m.put("--clip", Double.toString(clip));
    m.put("--loss-threshold", Double.toString(lossThreshold));
    m.put("--precision", ModelOptions.precision(precision).name().toLowerCase(Locale.ROOT));
    m.put("--seed", Long.toString(seed));
    return m;
  }

  /** The options file written beside the checkpoint. */
  static Path optionsFile(Path ckpt) {
    return ckpt.resolveSibling(ckpt.getFileName() + ".options");
  }

  private static void saveCheckpoint(Trainer trainer, Path ckpt, Map<String, String> defining)
      throws IOException {
    Path opts = optionsFile(ckpt);
    Path tmp = opts.resolveSibling(opts.getFileName() + ".tmp");
    Properties props = new Properties();
    props.putAll(defining);
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      props.store(w, "the options of the run that wrote " + ckpt.getFileName());
    }
    Files.move(tmp, opts, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    trainer.saveCheckpoint(ckpt);
  }

  /**
   * Names the first option that differs from the run that wrote the checkpoint (from the options
   * file beside it; without one, {@link Trainer#resume} compares settings and model).
   */
  private static void checkSameRun(Path ckpt, Map<String, String> defining) throws IOException {
    Path opts = optionsFile(ckpt);
    if (!Files.isRegularFile(opts)) {
      return;
    }
    Properties saved = new Properties();
    try (Reader r = Files.newBufferedReader(opts, StandardCharsets.UTF_8)) {
      saved.load(r);
    }
    for (Map.Entry<String, String> e : defining.entrySet()) {
      String was = saved.getProperty(e.getKey());
      if (was != null && !was.equals(e.getValue())) {
        throw new UserError("--resume: the checkpoint " + ckpt + " was written with "
            + e.getKey() + "=" + was + ", this run asks for " + e.getKey() + "=" + e.getValue()
            + "; resume with the checkpoint's options, or start a new run without --resume");
      }
    }
  }
}
