package dev.longscan.bench;

import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.nn.LayerKind;
import dev.longscan.optim.Schedule;
import dev.longscan.tasks.Target;
import dev.longscan.tasks.TwoB;
import dev.longscan.train.Model;
import dev.longscan.train.ModelConfig;
import dev.longscan.train.TrainSettings;
import dev.longscan.train.Trainer;
import java.util.Locale;

/**
 * Iterations and wall time until a 2-layer GILR-LSTM converges on the 2b task (5 consecutive
 * minibatches at 100 % accuracy), float32 on the parallel CPU backend, Adam with gradient-norm
 * clipping 1, one run per seed.
 *
 * <p>Usage: {@code TwoBConvergenceBenchmark [--t 1024] [--hidden 64] [--batch 32] [--lr 0.01]
 * [--max 2000] [--seeds 3]}. Prints a Markdown table, one row per seed.
 */
public final class TwoBConvergenceBenchmark {
  private TwoBConvergenceBenchmark() {}

  public static void main(String[] args) {
    int t = 1024;
    int hidden = 64;
    int batch = 32;
    double lr = 0.01;
    int max = 2000;
    int seeds = 3;
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--t": t = Integer.parseInt(v); break;
        case "--hidden": hidden = Integer.parseInt(v); break;
        case "--batch": batch = Integer.parseInt(v); break;
        case "--lr": lr = Double.parseDouble(v); break;
        case "--max": max = Integer.parseInt(v); break;
        case "--seeds": seeds = Integer.parseInt(v); break;
        default: throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(Locale.ROOT, "# 2b task: 2-layer GILR-LSTM × %d, T = %d, batch %d, Adam %g,"
        + " clip 1; %d cores, Java %s, BLAS %s%n%n", hidden, t, batch, lr,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName());
    System.out.println("| seed | converged | iterations | wall s | s / iteration |");
    System.out.println("|---|---|---|---|---|");
    for (int seed = 1; seed <= seeds; seed++) {
      ModelConfig config = ModelConfig.stack(LayerKind.GILR_LSTM, 2, TwoB.DIMENSIONS, hidden, 1,
          2, Target.CLASS_LAST);
      Model m = Model.create(config, Compute.cpu(Precision.FLOAT32, Backends.cpu()), seed);
      Trainer tr = Trainer.create(m, new TwoB(), new TrainSettings(TwoB.NAME, t, batch, "adam",
          Schedule.constant(lr), 1.0, 1000 + seed, 0));
      long t0 = System.nanoTime();
      boolean ok = tr.run(max, null);
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "| %d | %s | %d | %.1f | %.3f |%n", seed, ok ? "yes" : "no",
          tr.iteration(), s, s / tr.iteration());
    }
  }
}
