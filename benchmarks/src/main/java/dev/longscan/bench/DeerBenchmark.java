package dev.longscan.bench;

import dev.longscan.Precision;
import dev.longscan.Sequence;
import dev.longscan.deer.Cell;
import dev.longscan.deer.Cells;
import dev.longscan.deer.Deer;
import dev.longscan.deer.DeerResult;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * GRU forward on the CPU: the sequential loop against DEER and quasi-DEER ({@link Deer}), batch
 * B, input size m, for each n and T: milliseconds (median of the runs after the warm-ups),
 * Newton iterations to convergence, the largest difference from the sequential states, and the
 * sequential time over each solver's. Inputs are float32 (default tolerances 1e-4 / 1e-3), GRU
 * weights uniform in ±1/√n, inputs uniform in [-1, 1), y0 = 0. DEER's transitions take T·B·n²
 * float64 values; where that exceeds {@code --max-values} (default 2^26) the row is skipped and
 * says so. Usage: {@code DeerBenchmark [--steps 1000,10000,100000] [--n 1,2,4,8,16] [--batch 16]
 * [--input 2] [--runs 3] [--warmups 1] [--max-values V]}. Prints a Markdown table.
 */
public final class DeerBenchmark {
  private DeerBenchmark() {}

  public static void main(String[] args) {
    int[] steps = {1_000, 10_000, 100_000};
    int[] ns = {1, 2, 4, 8, 16};
    int batch = 16;
    int m = 2;
    int runs = 3;
    int warmups = 1;
    long maxValues = 1L << 26;
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--steps":
          steps = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
          break;
        case "--n":
          ns = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
          break;
        case "--batch":
          batch = Integer.parseInt(v);
          break;
        case "--input":
          m = Integer.parseInt(v);
          break;
        case "--runs":
          runs = Integer.parseInt(v);
          break;
        case "--warmups":
          warmups = Integer.parseInt(v);
          break;
        case "--max-values":
          maxValues = Long.parseLong(v);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(Locale.ROOT, "GRU forward, B = %d, m = %d, float32 inputs, %d cores, "
        + "median of %d runs after %d warm-ups, load average at start %.1f%n%n", batch, m,
        Runtime.getRuntime().availableProcessors(), runs, warmups,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.println("| n | T | sequential ms | DEER ms | DEER iterations | DEER max diff "
        + "| quasi ms | quasi iterations | quasi max diff | sequential ÷ DEER "
        + "| sequential ÷ quasi |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (int n : ns) {
      for (int t : steps) {
        if ((long) t * batch * n * n > maxValues) {
          System.out.printf(Locale.ROOT, "| %d | %d | skipped: T·B·n² = %d > %d values |||||||||%n",
              n, t, (long) t * batch * n * n, maxValues);
          continue;
        }
        row(n, t, batch, m, runs, warmups);
      }
    }
    System.out.printf(Locale.ROOT, "%nload average at end %.1f%n",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static void row(int n, int steps, int batch, int m, int runs, int warmups) {
    SplittableRandom r = new SplittableRandom(17L * n + steps);
    double k = 1 / Math.sqrt(n);
    double[] theta = new double[Cells.gruParameters(n, m)];
    for (int i = 0; i < theta.length; i++) {
      theta[i] = k * (2 * r.nextDouble() - 1);
    }
    Cell cell = Cells.gru(n, m, theta);
    float[] xs = new float[steps * batch * m];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) (2 * r.nextDouble() - 1);
    }
    Sequence x = Sequence.of(xs, batch * m);
    double[] y0 = new double[batch * n];
    Deer[] solvers = {Deer.sequential(), Deer.newton(), Deer.quasi()};
    double[][] ms = new double[3][runs];
    DeerResult[] last = new DeerResult[3];
    for (int run = 0; run < warmups + runs; run++) {
      for (int s = 0; s < 3; s++) {
        long t0 = System.nanoTime();
        last[s] = solvers[s].solve(cell, x, y0);
        long t1 = System.nanoTime();
        if (run >= warmups) {
          ms[s][run - warmups] = (t1 - t0) / 1e6;
        }
      }
    }
    double[] med = new double[3];
    for (int s = 0; s < 3; s++) {
      Arrays.sort(ms[s]);
      med[s] = ms[s][runs / 2];
    }
    System.out.printf(Locale.ROOT, "| %d | %d | %.3g | %.3g | %s | %.1e | %.3g | %s | %.1e | %.2f | %.2f |%n",
        n, steps, med[0], med[1], iterations(last[1]), diff(last[0], last[1]), med[2],
        iterations(last[2]), diff(last[0], last[2]), med[0] / med[1], med[0] / med[2]);
  }

  private static String iterations(DeerResult r) {
    return r.converged() ? Integer.toString(r.iterations())
        : r.iterations() + " (NOT converged" + r.nonFinite().map(f -> ", " + f).orElse("") + ")";
  }

  private static double diff(DeerResult ref, DeerResult r) {
    Sequence a = ref.solution();
    Sequence b = r.solution();
    double max = 0;
    for (int t = 0; t < a.steps(); t++) {
      for (int c = 0; c < a.width(); c++) {
        max = Math.max(max, Math.abs(a.get(t, c) - b.get(t, c)));
      }
    }
    return max;
  }
}
