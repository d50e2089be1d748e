package dev.longscan;

import dev.longscan.algebra.Algebra;
import dev.longscan.algebra.DenseSummary;
import java.util.Arrays;

/**
 * Matrix-valued linear recurrences on the CPU: h_t = J_t h_{t-1} + b_t for B independent series
 * of n-vectors (n from 1 to {@value #MAX_N}), J_t an n×n matrix per series and step — the linear
 * recurrence of every DEER Newton step, and of cells whose state mixes its channels.
 *
 * <p><b>Layouts</b> (time-major, row-major matrices; a {@link Sequence} of T steps holds them):
 * <ul>
 *   <li>states and offsets {@code b}, {@code h}, ∂L/∂h, ∂L/∂b: [T, B, n] — a sequence of width
 *       B·n; series s, component r of step t at {@code t·B·n + s·n + r};</li>
 *   <li>transitions {@code J} and ∂L/∂J: [T, B, n, n] — a sequence of width B·n·n; entry (r, c)
 *       of J_t for series s at {@code ((t·B + s)·n + r)·n + c};</li>
 *   <li>h0, carries and ∂L/∂h0: [B, n] double arrays; summaries: {@link DenseSummary}.</li>
 * </ul>
 * The batch size B is read from b's width divided by n. float32 and float64 data are accepted
 * (all buffers of a call in one precision); arithmetic is float64 in both, float32 only halves
 * the memory read and written.
 *
 * <p><b>Options</b> ({@link ScanOptions}): direction (a reverse scan is h_t = J_t h_{t+1} + b_t,
 * from h0 after the last step), h0 (length B·n, null for zeros) and the non-finite policy (under
 * {@link NonFinitePolicy#REJECT} every input is checked before anything is written and the first
 * non-finite value is reported with its step, series and entry). Segment starts are not supported
 * by dense scans and are rejected.
 *
 * <p><b>How it runs</b> ({@link Schedule}). A time-parallel scan of matrices composes them, n³
 * work per step, where the sequential loop needs n² (one matrix-vector product), so over time it
 * can pay only where the cores far outnumber n. By default ({@link Schedule#AUTO}) the series
 * are split among the threads ({@link Schedule#BY_SERIES}: every series is computed exactly as
 * the sequential loop computes it, whatever the thread count); the sequence is split in time
 * ({@link Schedule#BY_TIME}: the three-phase chunked scan over {@link DenseSummary#algebra}, the
 * same pipeline as the diagonal {@link Backends#cpu()} backend) only when there are fewer series
 * than threads and {@code threads ≥ 4 · B · (n + 2)}, the rule measured in docs/dense.md. The
 * backward pass always splits by series.
 *
 * <p>Thread-safe; instances from {@link #cpu()} and {@link #sequential()} are shared and ignore
 * {@link #close()}.
 */
public final class DenseScan implements AutoCloseable {
  /** The largest state dimension n. */
  public static final int MAX_N = 64;
  static final int DEFAULT_CHUNK_ELEMENTS = 1 << 15;

  /** How a call is split among threads. */
  public enum Schedule {
    /** {@link #BY_SERIES}, or {@link #BY_TIME} where the measured rule says it is faster. */
    AUTO,
    /** Each thread scans whole series from start to end (at most B threads are used). */
    BY_SERIES,
    /**
     * The three-phase chunked scan over time (chunk summaries, their carry chain, a rescan from
     * each carry); the backward pass still splits by series.
     */
    BY_TIME
  }

  private static final DenseScan SEQUENTIAL =
      new DenseScan(new ChunkPipeline(1, "longscan-dense"), Schedule.AUTO, true,
          DEFAULT_CHUNK_ELEMENTS);
  private static volatile DenseScan sharedCpu;

  private final ChunkPipeline pipeline;
  private final Schedule schedule;
  private final boolean shared;
  private final int chunkElements;

  private DenseScan(ChunkPipeline pipeline, Schedule schedule, boolean shared, int chunkElements) {
    this.pipeline = pipeline;
    this.schedule = schedule;
    this.shared = shared;
    this.chunkElements = chunkElements;
  }

  /** The shared dense scan on every available processor. Closing it is a no-op. */
  public static DenseScan cpu() {
    DenseScan d = sharedCpu;
    if (d == null) {
      synchronized (DenseScan.class) {
        if (sharedCpu == null) {
          sharedCpu = new DenseScan(new ChunkPipeline(Runtime.getRuntime().availableProcessors(),
              "longscan-dense"), Schedule.AUTO, true, DEFAULT_CHUNK_ELEMENTS);
        }
        d = sharedCpu;
      }
    }
    return d;
  }

  /** A new dense scan with its own {@code threads} threads; close it when done. */
  public static DenseScan cpu(int threads) {
    if (threads < 1) {
      throw new ParameterException("expected threads >= 1, found " + threads);
    }
    return new DenseScan(new ChunkPipeline(threads, "longscan-dense"), Schedule.AUTO, false,
        DEFAULT_CHUNK_ELEMENTS);
  }

  /** The sequential loop: one thread, every series step by step. */
  public static DenseScan sequential() {
    return SEQUENTIAL;
  }

  /**
   * The same threads with another schedule (for a machine whose cores far outnumber n, or to
   * measure); closing the result does not close these threads.
   */
  public DenseScan withSchedule(Schedule s) {
    Checks.notNull(s, "schedule");
    return new DenseScan(pipeline, s, true, chunkElements);
  }

  /** The same threads with chunks of about {@code chunkElements} transition values (BY_TIME). */
  DenseScan withChunkElements(int elements) {
    return new DenseScan(pipeline, schedule, true, elements);
  }

  public int threads() {
    return pipeline.threads();
  }

  public Schedule schedule() {
    return schedule;
  }

  /** Scans (J, b) into {@code out} ([T, B, n], the precision of b). */
  public void scan(int n, Sequence j, Sequence b, ScanOptions options, Sequence out) {
    Shape sh = inputs(n, j, b, options);
    outputLike("out", out, b);
    Checks.noOverlap("out", out, "j", j);
    Checks.noOverlap("out", out, "b", b);
    rejectNonFinite(options, sh, j, b);
    state(options, options.initialState(), "h0", sh);
    if (sh.steps == 0) {
      return;
    }
    double[] h0 = options.initialState();
    run(sh, j, b, h0 != null ? h0.clone() : new double[sh.batch * n], options, out);
  }

  /** Scans (J, b) into a new sequence shaped as b. */
  public Sequence scan(int n, Sequence j, Sequence b, ScanOptions options) {
    Checks.notNull(b, "b");
    Sequence out = b.allocateLike();
    scan(n, j, b, options, out);
    return out;
  }

  /**
   * Rescans the chunk (J, b) starting from {@code carry} ([B, n]), the state entering it in the
   * options' direction (phase 3 of a chunked scan whose carries were composed elsewhere).
   */
  public void apply(int n, Sequence j, Sequence b, double[] carry, ScanOptions options,
      Sequence out) {
    Shape sh = inputs(n, j, b, options);
    outputLike("out", out, b);
    Checks.noOverlap("out", out, "j", j);
    Checks.noOverlap("out", out, "b", b);
    Checks.notNull(carry, "carry");
    state(options, carry, "carry", sh);
    rejectNonFinite(options, sh, j, b);
    if (sh.steps == 0) {
      return;
    }
    run(sh, j, b, carry.clone(), options, out);
  }

  /**
   * The chunk's summary in the options' direction: per series, the composition (J, b) of its
   * steps, so that the state leaving the chunk is J h + b for the state h entering it (phase 1 of
   * a chunked scan). Empty chunk: the identity.
   */
  public DenseSummary reduce(int n, Sequence j, Sequence b, ScanOptions options) {
    Shape sh = inputs(n, j, b, options);
    rejectNonFinite(options, sh, j, b);
    if (sh.steps == 0) {
      return DenseSummary.identity(sh.batch, n);
    }
    Data d = new Data(j, b, null, sh, options.isReverse());
    int batch = sh.batch;
    int nn = n * n;
    if (useTime(sh)) {
      int cs = chunkSteps(sh);
      int nChunks = (sh.steps + cs - 1) / cs;
      DenseSummary[] parts = new DenseSummary[nChunks];
      pipeline.run(nChunks, null, () -> {
        double[] tmp = new double[nn];
        return i -> {
          int k = options.isReverse() ? nChunks - 1 - i : i;
          int lo = k * cs;
          double[] sj = identity(batch, n);
          double[] sb = new double[batch * n];
          d.reduce(0, batch, lo, Math.min(sh.steps, lo + cs), sj, sb, tmp);
          parts[i] = DenseSummary.of(n, sj, sb);
        };
      });
      return DenseSummary.algebra(batch, n).composeAll(Arrays.asList(parts));
    }
    double[] sj = new double[batch * nn];
    double[] sb = new double[batch * n];
    int blocks = seriesBlocks(sh);
    pipeline.run(blocks, null, () -> {
      double[] tmp = new double[nn];
      return i -> {
        int s0 = blockStart(i, blocks, batch);
        int s1 = blockStart(i + 1, blocks, batch);
        double[] bj = identity(s1 - s0, n);
        double[] bb = new double[(s1 - s0) * n];
        d.reduce(s0, s1, 0, sh.steps, bj, bb, tmp);
        System.arraycopy(bj, 0, sj, s0 * nn, bj.length);
        System.arraycopy(bb, 0, sb, s0 * n, bb.length);
      };
    });
    return DenseSummary.of(n, sj, sb);
  }

  /**
   * Gradients of a loss L through {@code h = scan(n, j, b, options)}, given {@code gradH} =
   * ∂L/∂h: with δ_t = g_t + J_{t+1}ᵀ δ_{t+1} (the next step in scan order; δ = g at the last),
   * writes ∂L/∂J_t = δ_t h_{t-1}ᵀ into {@code gradJ} ([T, B, n, n]; h_{t-1} the state before step
   * t in scan order, h0 before the first), ∂L/∂b_t = δ_t into {@code gradB} and, when
   * {@code gradH0} is not null, ∂L/∂h0 = J_firstᵀ δ_first into it. {@code h} must be the scan's
   * output for these inputs and options.
   */
  public void backward(int n, Sequence j, Sequence h, Sequence gradH, ScanOptions options,
      Sequence gradJ, Sequence gradB, double[] gradH0) {
    Shape sh = inputs(n, j, h, options);
    outputLike("gradH", gradH, h);
    outputLike("gradB", gradB, h);
    Checks.notNull(gradJ, "gradJ");
    if (gradJ.steps() != sh.steps || gradJ.width() != j.width()
        || gradJ.precision() != j.precision()) {
      throw new ShapeException("expected gradJ of " + sh.steps + " steps × width " + j.width()
          + " in " + j.precision() + " (as j), found " + gradJ.steps() + " × " + gradJ.width()
          + " in " + gradJ.precision());
    }
    Sequence[] outs = {gradJ, gradB};
    String[] outNames = {"gradJ", "gradB"};
    Sequence[] ins = {j, h, gradH};
    String[] inNames = {"j", "h", "gradH"};
    for (int o = 0; o < outs.length; o++) {
      for (int i = 0; i < ins.length; i++) {
        Checks.noOverlap(outNames[o], outs[o], inNames[i], ins[i]);
      }
    }
    Checks.noOverlap("gradJ", gradJ, "gradB", gradB);
    if (gradH0 != null && gradH0.length != sh.batch * n) {
      throw new ShapeException("expected gradH0 of length B·n = " + sh.batch * n + ", found "
          + gradH0.length);
    }
    state(options, options.initialState(), "h0", sh);
    if (options.nonFinite() == NonFinitePolicy.REJECT) {
      firstNonFinite(j, "j", sh, true);
      firstNonFinite(h, "h", sh, false);
      firstNonFinite(gradH, "gradH", sh, false);
    }
    if (gradH0 != null) {
      Arrays.fill(gradH0, 0.0);
    }
    if (sh.steps == 0) {
      return;
    }
    int batch = sh.batch;
    double[] u = new double[batch * n];
    double[] h0 = options.initialState();
    Data d = new Data(j, h, gradH, sh, options.isReverse());
    Grads g = new Grads(gradJ, gradB);
    int blocks = seriesBlocks(sh);
    pipeline.run(blocks, null, () -> {
      double[] tmp = new double[n];
      return i -> {
        int s0 = blockStart(i, blocks, batch);
        int s1 = blockStart(i + 1, blocks, batch);
        double[] bu = new double[(s1 - s0) * n];
        d.backward(g, s0, s1, h0, bu, tmp);
        System.arraycopy(bu, 0, u, s0 * n, bu.length);
      };
    });
    if (gradH0 != null) {
      System.arraycopy(u, 0, gradH0, 0, u.length);
    }
  }

  /** Forward or reverse scan from {@code state} ([B, n], overwritten). */
  private void run(Shape sh, Sequence j, Sequence b, double[] state, ScanOptions o, Sequence out) {
    Data d = new Data(j, b, out, sh, o.isReverse());
    int n = sh.n;
    int batch = sh.batch;
    if (!useTime(sh)) {
      int blocks = seriesBlocks(sh);
      pipeline.run(blocks, null, () -> {
        double[] tmp = new double[n];
        return i -> {
          int s0 = blockStart(i, blocks, batch);
          int s1 = blockStart(i + 1, blocks, batch);
          d.scan(s0, s1, 0, sh.steps, Arrays.copyOfRange(state, s0 * n, s1 * n), tmp);
        };
      });
      return;
    }
    int cs = chunkSteps(sh);
    int nChunks = (sh.steps + cs - 1) / cs;
    int w = batch * n;
    Algebra<DenseSummary> algebra = DenseSummary.algebra(batch, n);
    ChunkPipeline.Chain<DenseSummary> chain = new ChunkPipeline.Chain<>(algebra, nChunks, state);
    pipeline.run(nChunks, chain, () -> {
      double[] tmp = new double[n * n];
      double[] h = new double[w];
      return i -> {
        int k = o.isReverse() ? nChunks - 1 - i : i;
        int lo = k * cs;
        int hi = Math.min(sh.steps, lo + cs);
        if (i == 0) {
          // the first chunk's carry is h0: one direct pass, its last state published
          System.arraycopy(chain.states, 0, h, 0, w);
          d.scan(0, batch, lo, hi, h, tmp);
          System.arraycopy(h, 0, chain.states, w, w);
          chain.published.set(1);
          return;
        }
        double[] sj = identity(batch, n);
        double[] sb = new double[w];
        d.reduce(0, batch, lo, hi, sj, sb, tmp);
        chain.advance(i, DenseSummary.of(n, sj, sb));
        System.arraycopy(chain.states, i * w, h, 0, w);
        d.scan(0, batch, lo, hi, h, tmp);
      };
    });
  }

  /** Whether this call runs over time: BY_TIME, or AUTO under the measured rule. */
  private boolean useTime(Shape sh) {
    switch (schedule) {
      case BY_TIME:
        return true;
      case BY_SERIES:
        return false;
      default:
        int p = pipeline.threads();
        return sh.batch < p && p >= 4L * sh.batch * (sh.n + 2);
    }
  }

  /**
   * How many blocks of series a call splits into: one per thread, at most one per series, and one
   * for calls of fewer than {@value #SMALL_CALL} transition values (for which handing work to
   * another thread would cost about as much as the work).
   */
  private int seriesBlocks(Shape sh) {
    if ((long) sh.steps * sh.batch * sh.n * sh.n < SMALL_CALL) {
      return 1;
    }
    return Math.min(sh.batch, pipeline.threads());
  }

  static final int SMALL_CALL = 1 << 14;

  /** Steps per chunk of the time-parallel path: about chunkElements transition values. */
  private int chunkSteps(Shape sh) {
    long per = (long) sh.batch * sh.n * sh.n;
    return (int) Math.max(16, Math.min(Integer.MAX_VALUE, chunkElements / per));
  }

  private static int blockStart(int i, int blocks, int batch) {
    return (int) ((long) i * batch / blocks);
  }

  private static double[] identity(int batch, int n) {
    double[] sj = new double[batch * n * n];
    for (int s = 0; s < batch; s++) {
      for (int r = 0; r < n; r++) {
        sj[(s * n + r) * n + r] = 1;
      }
    }
    return sj;
  }

  @Override
  public void close() {
    if (!shared) {
      pipeline.shutdown();
    }
  }

  @Override
  public String toString() {
    return "DenseScan[" + pipeline.threads() + " threads, " + schedule + "]";
  }

  // ---- validation at the boundary ----

  private static final class Shape {
    final int n;
    final int batch;
    final int steps;

    Shape(int n, int batch, int steps) {
      this.n = n;
      this.batch = batch;
      this.steps = steps;
    }
  }

  /** Checks n, J's and the vector input's shapes and precisions, and the options. */
  private static Shape inputs(int n, Sequence j, Sequence v, ScanOptions o) {
    if (n < 1 || n > MAX_N) {
      throw new ParameterException("expected a state dimension n in [1, " + MAX_N + "], found "
          + n);
    }
    Checks.notNull(j, "j");
    Checks.notNull(v, "b");
    Checks.notNull(o, "options");
    if (v.width() % n != 0) {
      throw new ShapeException("expected b of width B·n, a multiple of n = " + n + ", found width "
          + v.width());
    }
    int batch = v.width() / n;
    long jw = (long) batch * n * n;
    if (j.width() != jw) {
      throw new ShapeException("expected j of width B·n·n = " + batch + "·" + n + "·" + n + " = "
          + jw + " (B = " + batch + " from b's width " + v.width() + "), found width "
          + j.width());
    }
    if (j.steps() != v.steps()) {
      throw new ShapeException("expected j and b of one length, found " + j.steps() + " and "
          + v.steps() + " steps");
    }
    if (j.precision() != v.precision()) {
      throw new ShapeException("expected j and b in one precision, found " + j.precision()
          + " and " + v.precision());
    }
    if (o.isSegmented()) {
      throw new ParameterException("expected options without segment starts (dense scans have"
          + " none), found segment starts");
    }
    return new Shape(n, batch, v.steps());
  }

  private static void outputLike(String name, Sequence s, Sequence ref) {
    Checks.notNull(s, name);
    if (s.steps() != ref.steps() || s.width() != ref.width()
        || s.precision() != ref.precision()) {
      throw new ShapeException("expected " + name + " of " + ref.steps() + " steps × width "
          + ref.width() + " in " + ref.precision() + ", found " + s.steps() + " × " + s.width()
          + " in " + s.precision());
    }
  }

  private static void state(ScanOptions o, double[] h, String name, Shape sh) {
    if (h == null) {
      return;
    }
    if (h.length != sh.batch * sh.n) {
      throw new ShapeException("expected " + name + " of length B·n = " + sh.batch + "·" + sh.n
          + " = " + sh.batch * sh.n + ", found length " + h.length);
    }
    if (o.nonFinite() == NonFinitePolicy.REJECT) {
      for (int i = 0; i < h.length; i++) {
        if (!Double.isFinite(h[i])) {
          throw new NonFiniteException("expected finite values in '" + name + "', found " + h[i]
              + " at series " + i / sh.n + ", component " + i % sh.n, name, -1, i);
        }
      }
    }
  }

  private static void rejectNonFinite(ScanOptions o, Shape sh, Sequence j, Sequence b) {
    if (o.nonFinite() == NonFinitePolicy.REJECT) {
      firstNonFinite(j, "j", sh, true);
      firstNonFinite(b, "b", sh, false);
    }
  }

  private static void firstNonFinite(Sequence s, String name, Shape sh, boolean matrix) {
    int size = s.size();
    int w = s.width();
    int off = s.offset();
    for (int i = 0; i < size; i++) {
      double v = s.precision() == Precision.FLOAT32 ? s.floatArray()[off + i]
          : s.doubleArray()[off + i];
      if (!Double.isFinite(v)) {
        int t = i / w;
        int c = i % w;
        String where = matrix
            ? "series " + c / (sh.n * sh.n) + ", entry (" + (c % (sh.n * sh.n)) / sh.n + ", "
                + c % sh.n + ")"
            : "series " + c / sh.n + ", component " + c % sh.n;
        throw new NonFiniteException("expected finite values in '" + name + "', found " + v
            + " at step " + t + ", " + where, name, t, c);
      }
    }
  }

  // ---- dispatch to the precision's kernels ----

  /** Arrays and offsets of one call; the vector input is b (scan) or h (backward). */
  private static final class Data {
    final boolean f32;
    final float[] jf;
    final float[] vf;
    final float[] xf;
    final double[] jd;
    final double[] vd;
    final double[] xd;
    final int jo;
    final int vo;
    final int xo;
    final int n;
    final int batch;
    final int steps;
    final boolean rev;

    /** x is out (scan) or gradH (backward), or null (reduce). */
    Data(Sequence j, Sequence v, Sequence x, Shape sh, boolean rev) {
      f32 = j.precision() == Precision.FLOAT32;
      jf = f32 ? j.floatArray() : null;
      vf = f32 ? v.floatArray() : null;
      xf = f32 && x != null ? x.floatArray() : null;
      jd = f32 ? null : j.doubleArray();
      vd = f32 ? null : v.doubleArray();
      xd = !f32 && x != null ? x.doubleArray() : null;
      jo = j.offset();
      vo = v.offset();
      xo = x != null ? x.offset() : 0;
      n = sh.n;
      batch = sh.batch;
      steps = sh.steps;
      this.rev = rev;
    }

    void scan(int s0, int s1, int lo, int hi, double[] state, double[] tmp) {
      if (f32) {
        DenseKernels32.scan(jf, jo, vf, vo, xf, xo, batch, n, s0, s1, lo, hi, rev, state, tmp);
      } else {
        DenseKernels64.scan(jd, jo, vd, vo, xd, xo, batch, n, s0, s1, lo, hi, rev, state, tmp);
      }
    }

    void reduce(int s0, int s1, int lo, int hi, double[] sj, double[] sb, double[] tmp) {
      if (f32) {
        DenseKernels32.reduce(jf, jo, vf, vo, batch, n, s0, s1, lo, hi, rev, sj, sb, tmp);
      } else {
        DenseKernels64.reduce(jd, jo, vd, vo, batch, n, s0, s1, lo, hi, rev, sj, sb, tmp);
      }
    }

    void backward(Grads g, int s0, int s1, double[] h0, double[] u, double[] tmp) {
      if (f32) {
        DenseKernels32.backward(jf, jo, vf, vo, xf, xo, g.jf, g.jo, g.bf, g.bo, batch, n, s0, s1,
            steps, 0, steps, rev, h0, u, tmp);
      } else {
        DenseKernels64.backward(jd, jo, vd, vo, xd, xo, g.jd, g.jo, g.bd, g.bo, batch, n, s0, s1,
            steps, 0, steps, rev, h0, u, tmp);
      }
    }
  }

  private static final class Grads {
    final float[] jf;
    final float[] bf;
    final double[] jd;
    final double[] bd;
    final int jo;
    final int bo;

    Grads(Sequence gradJ, Sequence gradB) {
      boolean f32 = gradJ.precision() == Precision.FLOAT32;
      jf = f32 ? gradJ.floatArray() : null;
      bf = f32 ? gradB.floatArray() : null;
      jd = f32 ? null : gradJ.doubleArray();
      bd = f32 ? null : gradB.doubleArray();
      jo = gradJ.offset();
      bo = gradB.offset();
    }
  }
}
