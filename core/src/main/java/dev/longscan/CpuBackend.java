package dev.longscan;

import java.util.ArrayList;
import java.util.List;

/**
 * The parallel CPU backend. Scans run as a single pass over the data in one of three ways.
 *
 * <p><b>Guessed chunks settled in order</b> (scans without segments, forward or reverse, of one
 * channel, and of the widths with vector row loops, {@link Kernels32#literalWidth}: 16, 32, 64,
 * 128 and 256 channels with a, b and out at one offset). The sequence is cut into chunks of whole
 * steps ({@link #settleChunkSteps}) that workers claim in scan order. A worker that claims chunk
 * k while the chunk before it is still being written first scans it from a zero state (the
 * guess: the one pass that reads a and b from memory); once chunk k − 1 is final it rescans
 * chunk k from that chunk's last step, in stretches of {@value Kernels32#SETTLE_ROWS} steps, and
 * stops after the first stretch whose last step comes out bit for bit as the guess had it: from
 * there on the guess is the same recurrence from the same state, so it is already the result.
 * For contractive data that happens after a few dozen to a few hundred steps (about 70 in
 * float32 and 140 in float64 for multipliers in [0.5, 0.99)). A worker that finds the chunk
 * before its own already final scans its chunk once, directly; on one thread that is every
 * chunk. The result is the direct scan of every chunk from the state before it, whatever was
 * guessed: for the literal widths the sequential backend's, bit for bit; for one channel the
 * eight-step blocked scan's, chunk by chunk, the same for any number of threads. ("Bit for bit"
 * leaves out which NaN a NaN is: vector and scalar arithmetic may give NaNs of other sign or
 * payload bits.)
 *
 * <p>Inputs that span more than one chunk take this way only if they contract ({@link
 * Chunks.Scan#contracts}, within the first eighth of a chunk in scan order); where they do not (a
 * running sum) every rescan would be a whole chunk, one after another (measured: a float32
 * running sum at 0.5–0.7 of one thread). One channel then takes the chunk summaries below; a
 * literal width runs its vector loops in one pass on the calling thread (the sequential result
 * again; one such thread draws about as much from memory as two, docs/benchmarks.md). The choice
 * reads only the data, so results stay the same for any number of threads.
 *
 * <p><b>Chunk summaries</b> (the other shapes under {@value #WIDE} channels: segments, widths 2
 * to 31 other than 16, one channel that does not contract; and every backward pass under that
 * width). Chunks of about {@code chunkElements} values, so that a chunk's a and b stay in a
 * core's cache. For chunk k a worker (1) reduces the chunk to its summary S_k, reading a and b
 * from memory; (2) waits until the state entering chunk k is published, computes the state
 * leaving it as S_k applied to it (O(width) work: the only serial part) and publishes that; (3)
 * rescans the chunk from its carry, reading a and b again — now from cache — and writing h.
 * Every chunk's carry is computed by the same chain of summaries in the same order, so the result
 * is bitwise the same for any number of threads. The backward pass runs the same pipeline over
 * the δ recurrence in the opposite order.
 *
 * <p><b>Split by channel</b> (the other inputs of {@value #WIDE} channels or more, and their
 * backward passes): one block of columns per thread, each scanned from start to end; no reduce
 * pass, and every channel is computed exactly as the sequential backend computes it, whatever the
 * thread count.
 */
final class CpuBackend extends Backend {
  static final int DEFAULT_CHUNK_ELEMENTS = 1 << 15;

  private final int threads;
  private final int chunkElements;
  private final boolean shared;
  private final ChunkPipeline pipeline;

  CpuBackend(int threads, int chunkElements, boolean shared) {
    this.threads = threads;
    this.chunkElements = chunkElements;
    this.shared = shared;
    this.pipeline = new ChunkPipeline(threads, "longscan-cpu");
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public String describe() {
    return "cpu (" + threads + " threads, chunks of ~" + chunkElements + " values)";
  }

  int chunkSteps(int width) {
    return Math.max(1, chunkElements / width);
  }

  /**
   * Chunks of the guess-and-settle scan ({@link Chunks.Scan#settled}) hold eight times as many
   * values as the summary pipeline's (2^18 by default: 2 MiB of float64 per array, past the L2
   * cache, which the pipeline's chunks must fit): a chunk is read once from memory by its guess,
   * and its settling rescan reads back only the steps until the guess is right, a count set by
   * the data, not by the chunk; so the longer the chunk, the smaller the share rescanned.
   */
  int settleChunkSteps(int width) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, 8L * chunkElements / width));
  }

  /**
   * Wide inputs are split by channel: each thread scans whole columns [c0, c1) from start to end,
   * which needs no reduce pass and gives the sequential result. Narrow inputs are split in time.
   */
  static boolean splitByChannel(int width) {
    return width >= WIDE;
  }

  /** The width from which inputs are split by channel. */
  static final int WIDE = 32;

  static final int CHANNEL_ALIGN = 16;

  /** Columns per task: w / threads rounded up to a multiple of 16 (64 bytes of float32). */
  private int channelBlock(int w) {
    int per = (w + threads - 1) / threads;
    return Math.min(w, (per + CHANNEL_ALIGN - 1) / CHANNEL_ALIGN * CHANNEL_ALIGN);
  }

  @Override
  protected Summary doReduce(Sequence a, Sequence b, ScanOptions o) {
    Chunks.Scan job = new Chunks.Scan(a, b, null, o);
    int w = a.width();
    int steps = a.steps();
    if (splitByChannel(w)) {
      double[] sa = new double[w];
      double[] sb = new double[w];
      boolean[] resets = new boolean[1];
      int cb = channelBlock(w);
      run((w + cb - 1) / cb, null, () -> i -> {
        int c0 = i * cb;
        boolean r = job.reduce(0, steps, c0, Math.min(w, c0 + cb), sa, sb, 0, true);
        if (i == 0) {
          resets[0] = r;
        }
      });
      return new Summary(sa, sb, resets[0]);
    }
    int cs = chunkSteps(w);
    int nChunks = (steps + cs - 1) / cs;
    double[] sa = new double[nChunks * w];
    double[] sb = new double[nChunks * w];
    boolean[] resets = new boolean[nChunks];
    run(nChunks, null, () -> i -> {
      int k = o.isReverse() ? nChunks - 1 - i : i;
      int lo = k * cs;
      resets[i] = job.reduce(lo, Math.min(steps, lo + cs), 0, w, sa, sb, i * w, true);
    });
    List<Summary> parts = new ArrayList<>(nChunks);
    for (int i = 0; i < nChunks; i++) {
      parts.add(new Summary(java.util.Arrays.copyOfRange(sa, i * w, (i + 1) * w),
          java.util.Arrays.copyOfRange(sb, i * w, (i + 1) * w), resets[i]));
    }
    return Affine.algebra(w).composeAll(parts);
  }

  @Override
  protected void doApply(Sequence a, Sequence b, double[] carry, ScanOptions o, Sequence out) {
    Chunks.Scan job = new Chunks.Scan(a, b, out, o);
    int w = a.width();
    int steps = a.steps();
    int scs = settleChunkSteps(w);
    boolean settle = job.settled && (steps <= scs || job.contracts(Math.max(1, scs / 8)));
    if (job.settled && !settle && w > 1) {
      // a literal width that does not contract: one vector pass on this thread
      job.apply(0, steps, 0, w, carry, 0, true);
      return;
    }
    if (settle) {
      int cs = scs;
      int nChunks = (steps + cs - 1) / cs;
      ChunkPipeline.Chain<Summary> chain =
          new ChunkPipeline.Chain<>(Affine.algebra(w), nChunks, carry);
      run(nChunks, chain, () -> i -> {
        int k = o.isReverse() ? nChunks - 1 - i : i;
        int lo = k * cs;
        int hi = Math.min(steps, lo + cs);
        boolean ready = chain.published.get() >= i;
        if (!ready) {
          job.guess(lo, hi);
          chain.await(i);
        }
        job.settle(lo, hi, i == 0 ? carry : null, !ready);
        chain.published.set(i + 1);
      });
      return;
    }
    if (splitByChannel(w)) {
      int cb = channelBlock(w);
      run((w + cb - 1) / cb, null, () -> i -> {
        int c0 = i * cb;
        job.apply(0, steps, c0, Math.min(w, c0 + cb), carry, 0, true);
      });
      return;
    }
    int cs = chunkSteps(w);
    int nChunks = (steps + cs - 1) / cs;
    ChunkPipeline.Chain<Summary> chain =
        new ChunkPipeline.Chain<>(Affine.algebra(w), nChunks, carry);
    run(nChunks, chain, () -> {
      double[] sa = new double[w];
      double[] sb = new double[w];
      return i -> {
        int k = o.isReverse() ? nChunks - 1 - i : i;
        int lo = k * cs;
        int hi = Math.min(steps, lo + cs);
        boolean resets = job.reduce(lo, hi, 0, w, sa, sb, 0, true);
        chain.advance(i, new Summary(sa, sb, resets));
        job.apply(lo, hi, 0, w, chain.states, i * w, true);
      };
    });
  }

  @Override
  protected void doBackward(Sequence a, Sequence h, Sequence gradH, ScanOptions o, Sequence gradA,
      Sequence gradB, double[] gradH0) {
    Chunks.Grad job = new Chunks.Grad(a, h, gradH, gradA, gradB, o);
    int w = a.width();
    int steps = a.steps();
    if (splitByChannel(w)) {
      double[] g0 = new double[w];
      double[] zero = new double[w];
      int cb = channelBlock(w);
      run((w + cb - 1) / cb, null, () -> i -> {
        int c0 = i * cb;
        job.apply(0, steps, c0, Math.min(w, c0 + cb), zero, 0, g0, 0);
      });
      if (gradH0 != null) {
        System.arraycopy(g0, 0, gradH0, 0, w);
      }
      return;
    }
    int cs = chunkSteps(w);
    int nChunks = (steps + cs - 1) / cs;
    ChunkPipeline.Chain<Summary> chain =
        new ChunkPipeline.Chain<>(Affine.algebra(w), nChunks, new double[w]);
    double[] g0 = new double[nChunks * w];
    run(nChunks, chain, () -> {
      double[] sa = new double[w];
      double[] sb = new double[w];
      return i -> {
        // gradient order is the reverse of the scan order
        int k = o.isReverse() ? i : nChunks - 1 - i;
        int lo = k * cs;
        int hi = Math.min(steps, lo + cs);
        boolean resets = job.reduce(lo, hi, 0, w, sa, sb, 0);
        chain.advance(i, new Summary(sa, sb, resets));
        job.apply(lo, hi, 0, w, chain.states, i * w, g0, i * w);
      };
    });
    if (gradH0 != null) {
      java.util.Arrays.fill(gradH0, 0.0);
      for (int i = 0; i < nChunks; i++) {
        for (int c = 0; c < w; c++) {
          gradH0[c] += g0[i * w + c];
        }
      }
    }
  }

  private void run(int n, ChunkPipeline.Chain<?> chain, ChunkPipeline.WorkerFactory factory) {
    pipeline.run(n, chain, factory);
  }

  @Override
  public void close() {
    if (!shared) {
      pipeline.shutdown();
    }
  }
}
