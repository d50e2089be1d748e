package dev.longscan.bench;

import dev.longscan.Backend;
import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.nn.LayerKind;
import dev.longscan.nn.Matrix;
import dev.longscan.optim.Clipping;
import dev.longscan.optim.Optimizer;
import dev.longscan.optim.Schedule;
import dev.longscan.tasks.Adding;
import dev.longscan.tasks.Batch;
import dev.longscan.tasks.Rng;
import dev.longscan.tasks.Target;
import dev.longscan.train.Model;
import dev.longscan.train.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Martin &amp; Cundy's throughput table on this CPU: training steps (forward, backward, gradient
 * clipping and Adam) of 2 layers × {@code hidden} units, input 4, a fixed number of values
 * bT = B·T per minibatch, for T in a list; SRU, QRNN (k = 2 and 10) and GILR-LSTM with the
 * parallel CPU scan ({@code Backends.cpu()}) and the same model with the sequential scan
 * ({@code Backends.sequential()}), plus the step-by-step LSTM. Throughput is steps · B · T per
 * second (values per second); "×" is the parallel scan over the sequential one.
 *
 * <p>Every step is also split by a timing {@link Compute} into matrix products, scans (forward
 * and backward) and the rest (gate elementwise kernels, reductions, the optimiser), so the
 * overhead beyond the matrix products shows.
 *
 * <p>Usage: {@code ModelTrainingBenchmark [--bt N] [--hidden H] [--ts 16,256,4096,65536]
 * [--runs R] [--models sru,qrnn2,qrnn10,gilr-lstm,lstm]} (defaults 65536, 256, the four T,
 * 2 timed steps after 2 warm-ups).
 */
public final class ModelTrainingBenchmark {
  private static final int WARMUPS = 2;

  private ModelTrainingBenchmark() {}

  public static void main(String[] args) {
    int bt = 65536;
    int hidden = 256;
    int runs = 2;
    int[] ts = {16, 256, 4096, 65536};
    List<String> models = List.of("sru", "qrnn2", "qrnn10", "gilr-lstm", "lstm");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--bt": bt = Integer.parseInt(args[i + 1]); break;
        case "--hidden": hidden = Integer.parseInt(args[i + 1]); break;
        case "--runs": runs = Integer.parseInt(args[i + 1]); break;
        case "--ts": ts = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt)
            .toArray(); break;
        case "--models": models = Arrays.asList(args[i + 1].split(",")); break;
        default: throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(Locale.ROOT, "# training throughput: 2 layers × %d, input 4, bT = %d,"
        + " float32; %d cores, Java %s, BLAS %s; median of %d steps after 2 warm-ups%n%n",
        hidden, bt, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName(), runs);
    System.out.println("| model | T | B | sequential scan: values/s | parallel scan: values/s"
        + " | × | parallel step s | products s | scans s | other s | step ÷ products |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (int t : ts) {
      int b = Math.max(1, bt / t);
      for (String name : models) {
        LayerKind kind = name.startsWith("qrnn") ? LayerKind.QRNN : LayerKind.of(name);
        int width = name.startsWith("qrnn") ? Integer.parseInt(name.substring(4)) : 1;
        if (kind == LayerKind.LSTM) {
          Timing seq = time(kind, width, hidden, t, b, Backends.sequential(), runs);
          System.out.printf(Locale.ROOT, "| lstm (step by step) | %d | %d | %.3g | – | – | %.3f"
              + " | %.3f | – | %.3f | %.2f |%n", t, b, (double) t * b / seq.step, seq.step,
              seq.products, seq.step - seq.products, seq.step / seq.products);
          continue;
        }
        Timing seq = time(kind, width, hidden, t, b, Backends.sequential(), runs);
        Timing par = time(kind, width, hidden, t, b, Backends.cpu(), runs);
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %.3g | %.3g | %.2f | %.3f | %.3f | %.3f"
            + " | %.3f | %.2f |%n", name, t, b, (double) t * b / seq.step,
            (double) t * b / par.step, seq.step / par.step, par.step, par.products, par.scans,
            par.step - par.products - par.scans, par.step / par.products);
      }
    }
  }

  record Timing(double step, double products, double scans) {}

  private static Timing time(LayerKind kind, int width, int hidden, int t, int b, Backend backend,
      int runs) {
    TimedCompute cc = new TimedCompute(Compute.cpu(Precision.FLOAT32, backend));
    ModelConfig config = ModelConfig.stack(kind, 2, 4, hidden, width, 1, Target.VALUE_EACH);
    Model m = Model.create(config, cc, 1);
    Optimizer adam = Optimizer.adam(Schedule.constant(1e-3));
    Rng rng = Rng.seeded(1);
    Batch base = new Adding().next(rng, t, b, Precision.FLOAT32);
    Matrix x = Matrix.zeros(Precision.FLOAT32, t * b, 4);
    x.cols(0, 2).copyFrom(base.inputs());
    Matrix y = Matrix.zeros(Precision.FLOAT32, t * b, 1);
    Batch batch = new Batch(x, t, b, null, y);
    List<double[]> samples = new ArrayList<>();
    for (int r = 0; r < runs + WARMUPS; r++) {
      cc.reset();
      long t0 = System.nanoTime();
      m.lossAndGradients(batch);
      Clipping.clipGlobalNorm(m.parameters(), 1.0);
      adam.step(m.parameters());
      double s = (System.nanoTime() - t0) / 1e9;
      if (r >= WARMUPS) {
        samples.add(new double[] {s, cc.productNanos / 1e9, cc.scanNanos / 1e9});
      }
    }
    samples.sort((p, q) -> Double.compare(p[0], q[0]));
    double[] med = samples.get(samples.size() / 2);
    return new Timing(med[0], med[1], med[2]);
  }

  /** A Compute that adds up the time spent in matrix products and in scans. */
  static final class TimedCompute implements Compute {
    private final Compute inner;
    long productNanos;
    long scanNanos;

    TimedCompute(Compute inner) {
      this.inner = inner;
    }

    void reset() {
      productNanos = 0;
      scanNanos = 0;
    }

    @Override
    public Precision precision() {
      return inner.precision();
    }

    @Override
    public Backend backend() {
      return inner.backend();
    }

    @Override
    public Matrix zeros(int rows, int cols) {
      return inner.zeros(rows, cols);
    }

    @Override
    public void matmul(Matrix x, boolean tx, Matrix w, boolean tw, Matrix out, boolean acc) {
      long t0 = System.nanoTime();
      inner.matmul(x, tx, w, tw, out, acc);
      productNanos += System.nanoTime() - t0;
    }

    @Override
    public void scan(Matrix a, Matrix b, int steps, Matrix h) {
      long t0 = System.nanoTime();
      inner.scan(a, b, steps, h);
      scanNanos += System.nanoTime() - t0;
    }

    @Override
    public void scanBackward(Matrix a, Matrix h, Matrix dh, int steps, Matrix da, Matrix db) {
      long t0 = System.nanoTime();
      inner.scanBackward(a, h, dh, steps, da, db);
      scanNanos += System.nanoTime() - t0;
    }

    @Override
    public void addRowVector(Matrix bias, Matrix out) {
      inner.addRowVector(bias, out);
    }

    @Override
    public void addColumnSums(Matrix src, Matrix dst) {
      inner.addColumnSums(src, dst);
    }

    @Override
    public void sigmoid(Matrix src, Matrix dst) {
      inner.sigmoid(src, dst);
    }

    @Override
    public void tanh(Matrix src, Matrix dst) {
      inner.tanh(src, dst);
    }

    @Override
    public void sigmoidGrad(Matrix y, Matrix dy, Matrix dst) {
      inner.sigmoidGrad(y, dy, dst);
    }

    @Override
    public void tanhGrad(Matrix y, Matrix dy, Matrix dst) {
      inner.tanhGrad(y, dy, dst);
    }

    @Override
    public void mul(Matrix a, Matrix b, Matrix dst) {
      inner.mul(a, b, dst);
    }

    @Override
    public void addMul(Matrix a, Matrix b, Matrix dst) {
      inner.addMul(a, b, dst);
    }

    @Override
    public void subMul(Matrix a, Matrix b, Matrix dst) {
      inner.subMul(a, b, dst);
    }

    @Override
    public void oneMinusMul(Matrix f, Matrix z, Matrix dst) {
      inner.oneMinusMul(f, z, dst);
    }

    @Override
    public void lerp(Matrix r, Matrix t, Matrix s, Matrix dst) {
      inner.lerp(r, t, s, dst);
    }

    @Override
    public void mulDiff(Matrix g, Matrix t, Matrix s, Matrix dst) {
      inner.mulDiff(g, t, s, dst);
    }

    @Override
    public void add(Matrix src, Matrix dst) {
      inner.add(src, dst);
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
      inner.copy(src, dst);
    }

    @Override
    public void scale(Matrix m, double alpha) {
      inner.scale(m, alpha);
    }

    @Override
    public double sumSquares(Matrix m) {
      return inner.sumSquares(m);
    }
  }
}
