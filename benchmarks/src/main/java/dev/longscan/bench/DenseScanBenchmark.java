package dev.longscan.bench;

import dev.longscan.DenseScan;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The dense CPU scan h_t = J_t h_{t-1} + b_t (B series × T steps × n): steps·series per second of
 * the path {@link DenseScan#cpu()} chooses ({@code AUTO}), of the sequential loop
 * ({@link DenseScan#sequential()}), of the time-parallel path ({@code BY_TIME}) and of the split
 * by series ({@code BY_SERIES}) on every core, in one run, and the chosen path's rate over the
 * better of the sequential loop and the time-parallel path (the target: never below 0.95). A
 * control column times what the cores deliver at that moment without longscan's threads: the
 * batch cut into one part per core, each part in arrays of its own, each scanned by the
 * sequential loop on a plain thread of its own (started per run). The last column gives the
 * process's CPU time per step·series (all its threads, the mean over the timed runs) of the
 * sequential loop, the split by series and the control: the work each way costs, whatever share
 * of the cores the machine gave it.
 *
 * <p>The transitions take T·B·n² values; where that exceeds {@code --max-values} (default 2^27,
 * 1 GiB of float64) T is cut to fit, and the row says which T it ran. Entries of J are uniform in
 * ±1.5/√n (a stable recurrence), b in [-1, 1).
 *
 * <p>The four measurements of a row are interleaved: every run times each once, in turn; each
 * figure is the median over the runs after the warm-ups, or with {@code --best} the fastest run
 * (on a machine shared with other jobs, the run least disturbed by them). Usage:
 * {@code DenseScanBenchmark [--steps T] [--batch B] [--n 1,2,4] [--precision float32|float64]
 * [--runs N] [--warmups N] [--max-values V] [--best]}. Prints a Markdown table.
 */
public final class DenseScanBenchmark {
  private DenseScanBenchmark() {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  public static void main(String[] args) {
    int steps = 100_000;
    int batch = 16;
    int[] ns = {1, 2, 4, 8, 16, 32, 64};
    Precision p = Precision.FLOAT64;
    int runs = 5;
    int warmups = 2;
    long maxValues = 1L << 27;
    boolean best = Arrays.asList(args).contains("--best");
    for (int i = 0; i < args.length; i += args[i].equals("--best") ? 1 : 2) {
      if (args[i].equals("--best")) {
        continue;
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--steps":
          steps = Integer.parseInt(v);
          break;
        case "--batch":
          batch = Integer.parseInt(v);
          break;
        case "--n":
          ns = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
          break;
        case "--precision":
          p = Precision.valueOf(v.toUpperCase(Locale.ROOT));
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
    DenseScan auto = DenseScan.cpu();
    DenseScan seq = DenseScan.sequential();
    DenseScan time = auto.withSchedule(DenseScan.Schedule.BY_TIME);
    DenseScan series = auto.withSchedule(DenseScan.Schedule.BY_SERIES);
    System.out.printf(Locale.ROOT, "# dense CPU scan: %d cores, Java %s, %s, B = %d, %s;"
        + " %s of %d interleaved runs after %d warm-ups; M steps·series/s%n%n",
        auto.threads(), System.getProperty("java.version"), System.getProperty("os.arch"), batch,
        p, best ? "best" : "median", runs, warmups);
    System.out.println("| n | T | chosen (AUTO) | sequential | time-parallel | by series"
        + " | control: " + auto.threads() + " independent loops"
        + " | chosen ÷ better of sequential, time-parallel"
        + " | CPU ns per step·series: sequential, by series, control |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (int n : ns) {
      int t = (int) Math.min(steps, Math.max(1, maxValues / ((long) batch * n * n)));
      Sequence j = transitions(p, t, batch, n, n);
      Sequence b = values(p, t, batch * n, 1000 + n);
      Sequence out = Sequence.allocate(p, t, batch * n);
      DenseScan[] engines = {auto, seq, time, series};
      // the control: the batch cut into one part per core, each with arrays of its own, scanned
      // by the sequential loop on a plain thread of its own: what the cores give here and now
      int parts = Math.min(batch, auto.threads());
      Sequence[][] own = new Sequence[parts][];
      for (int q = 0; q < parts; q++) {
        int bq = (q + 1) * batch / parts - q * batch / parts;
        own[q] = new Sequence[] {transitions(p, t, bq, n, 7 * n + q),
            values(p, t, bq * n, 2000 + q), Sequence.allocate(p, t, bq * n)};
      }
      int bodies = engines.length + 1;
      List<double[]> times = new ArrayList<>();
      List<double[]> cpu = new ArrayList<>();
      for (int k = 0; k < bodies; k++) {
        times.add(new double[runs]);
        cpu.add(new double[runs]);
      }
      ScanOptions o = ScanOptions.defaults();
      for (int r = -warmups; r < runs; r++) {
        for (int k = 0; k < bodies; k++) {
          long c0 = OS.getProcessCpuTime();
          long s0 = System.nanoTime();
          if (k < engines.length) {
            engines[k].scan(n, j, b, o, out);
          } else {
            independent(n, own, o);
          }
          long dt = System.nanoTime() - s0;
          long dc = OS.getProcessCpuTime() - c0;
          if (r >= 0) {
            times.get(k)[r] = dt;
            cpu.get(k)[r] = dc;
          }
        }
      }
      // CPU time is counted in ticks of a few milliseconds: the mean over all the timed runs
      double[] cpuPer = new double[bodies];
      for (int k = 0; k < bodies; k++) {
        cpuPer[k] = Arrays.stream(cpu.get(k)).sum() / ((double) runs * t * batch);
      }
      double[] rate = new double[bodies];
      for (int k = 0; k < bodies; k++) {
        double[] x = times.get(k);
        Arrays.sort(x);
        rate[k] = (double) t * batch / (x[best ? 0 : runs / 2] * 1e-9) / 1e6;
      }
      System.out.printf(Locale.ROOT, "| %d | %d | %.3g | %.3g | %.3g | %.3g | %.3g | %.2f"
          + " | %.3g, %.3g, %.3g |%n", n, t, rate[0], rate[1], rate[2], rate[3], rate[4],
          rate[0] / Math.max(rate[1], rate[2]), cpuPer[1], cpuPer[3], cpuPer[4]);
    }
  }

  private static void independent(int n, Sequence[][] own, ScanOptions o) {
    Thread[] th = new Thread[own.length - 1];
    for (int q = 1; q < own.length; q++) {
      Sequence[] d = own[q];
      th[q - 1] = new Thread(() -> DenseScan.sequential().scan(n, d[0], d[1], o, d[2]));
      th[q - 1].start();
    }
    DenseScan.sequential().scan(n, own[0][0], own[0][1], o, own[0][2]);
    for (Thread x : th) {
      try {
        x.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static Sequence transitions(Precision p, int steps, int batch, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int w = batch * n * n;
    double scale = 1.5 / Math.sqrt(n);
    Sequence s = Sequence.allocate(p, steps, w);
    if (p == Precision.FLOAT32) {
      float[] v = s.floatArray();
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (scale * (2 * r.nextDouble() - 1));
      }
    } else {
      double[] v = s.doubleArray();
      for (int i = 0; i < v.length; i++) {
        v[i] = scale * (2 * r.nextDouble() - 1);
      }
    }
    return s;
  }

  private static Sequence values(Precision p, int steps, int width, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Sequence s = Sequence.allocate(p, steps, width);
    for (int i = 0; i < s.size(); i++) {
      s.set(i / width, i % width, 2 * r.nextDouble() - 1);
    }
    return s;
  }
}
