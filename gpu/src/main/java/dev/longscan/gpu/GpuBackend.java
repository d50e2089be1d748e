package dev.longscan.gpu;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.longscan.Backend;
import dev.longscan.LongscanException;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.Summary;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdeviceptr;

/**
 * The CUDA backend for one device. Inputs come from and results go to Java arrays: every call
 * streams its steps through the device in chunks (see {@link Pipeline}) with the state between
 * chunks kept on the device, so inputs of any length run in bounded device memory. Width 1 uses
 * the single-pass look-back kernels of long.cuh, wider inputs those of wide.cuh; all are
 * deterministic (bitwise identical results for identical inputs and configuration).
 *
 * <p>Thread-safe: each concurrent call gets its own lane (streams and staging buffers) and device
 * blocks from the device's pool.
 */
final class GpuBackend extends Backend {

  /**
   * Tunables: chunk size, memory budget and host copies from system properties by default (see
   * {@link #fromSystemProperties}); the look-back windows are the kernels' defaults, other
   * windows only through the constructor (the tests use small ones to reach every look-back
   * path at small sizes).
   */
  static final class Config {
    /** Target bytes of inputs + outputs per chunk (one of the two slots). */
    final long chunkBytes;
    /** Device bytes one call may use; 0 = half of the free memory at the time of the call. */
    final long memoryBudget;
    /** Stage through pinned buffers (true) or copy from pageable Java arrays (false). */
    final boolean pinned;
    /** Look-back window in tiles, width-1 backward. */
    final int windowLong;
    /** Look-back window in tiles, width-1 scan (and chunk apply). */
    final int windowScan;
    /** Look-back window in tiles, wide. */
    final int windowWide;

    /** A configuration whose width-1 scan uses the backward's window {@code windowLong}. */
    Config(long chunkBytes, long memoryBudget, boolean pinned, int windowLong, int windowWide) {
      this(chunkBytes, memoryBudget, pinned, windowLong, windowWide, windowLong);
    }

    Config(long chunkBytes, long memoryBudget, boolean pinned, int windowLong, int windowWide,
        int windowScan) {
      if (chunkBytes < 1 || memoryBudget < 0) {
        throw new LongscanException("expected chunkBytes >= 1 and memoryBudget >= 0, found "
            + chunkBytes + " and " + memoryBudget);
      }
      if (windowLong < 1 || windowLong > Kernels.LONG_MAX_WINDOW) {
        throw new LongscanException("expected a look-back window of the width-1 backward in [1, "
            + Kernels.LONG_MAX_WINDOW + "], found " + windowLong);
      }
      if (windowScan < 1 || windowScan > Kernels.SCAN_LONG_MAX_WINDOW) {
        throw new LongscanException("expected a look-back window of the width-1 scan in [1, "
            + Kernels.SCAN_LONG_MAX_WINDOW + "], found " + windowScan);
      }
      if (windowWide < 1 || windowWide > Kernels.WIDE_MAX_WINDOW) {
        throw new LongscanException("expected a look-back window of the wide kernels in [1, "
            + Kernels.WIDE_MAX_WINDOW + "], found " + windowWide);
      }
      this.chunkBytes = chunkBytes;
      this.memoryBudget = memoryBudget;
      this.pinned = pinned;
      this.windowLong = windowLong;
      this.windowWide = windowWide;
      this.windowScan = windowScan;
    }

    static final long DEFAULT_CHUNK_BYTES = 64L << 20;
    /**
     * 128 tiles of 4096 steps (float32; float64 and the segmented forms cap it at 64, {@link
     * Kernels#backwardMaxWindow}).
     */
    static final int DEFAULT_WINDOW_LONG = 128;
    static final int DEFAULT_WINDOW_WIDE = 1;
    /**
     * 128 tiles of 4096 steps for float32; float64 caps it at 64 tiles of 2048
     * ({@link Kernels#scanMaxWindow}).
     */
    static final int DEFAULT_WINDOW_SCAN = 128;

    static Config defaults() {
      return new Config(DEFAULT_CHUNK_BYTES, 0, true, DEFAULT_WINDOW_LONG, DEFAULT_WINDOW_WIDE,
          DEFAULT_WINDOW_SCAN);
    }

    /**
     * longscan.gpu.chunkBytes, longscan.gpu.memoryBudget, longscan.gpu.hostMemory
     * (pinned|pageable), and the default look-back windows; longscan.gpu.copyThreads is checked
     * here too (HostCopy reads it once).
     */
    static Config fromSystemProperties() {
      HostCopy.threads(System.getProperty(HostCopy.THREADS_PROPERTY));
      String hm = System.getProperty("longscan.gpu.hostMemory", "pinned");
      if (!hm.equals("pinned") && !hm.equals("pageable")) {
        throw new LongscanException("expected longscan.gpu.hostMemory to be pinned or pageable, "
            + "found '" + hm + "'");
      }
      return new Config(longProperty("longscan.gpu.chunkBytes", DEFAULT_CHUNK_BYTES),
          longProperty("longscan.gpu.memoryBudget", 0L), hm.equals("pinned"),
          DEFAULT_WINDOW_LONG, DEFAULT_WINDOW_WIDE, DEFAULT_WINDOW_SCAN);
    }

    /**
     * A numeric system property, or {@code def} when it is not set. Unlike
     * {@link Long#getLong}, a value that is not a number is an error, not the default.
     */
    static long longProperty(String name, long def) {
      String v = System.getProperty(name);
      if (v == null) {
        return def;
      }
      try {
        return Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new LongscanException("expected the system property " + name + " to be an integer,"
            + " found '" + v + "'");
      }
    }

    Config with(long chunkBytes, long memoryBudget, boolean pinned) {
      return new Config(chunkBytes, memoryBudget, pinned, windowLong, windowWide, windowScan);
    }
  }

  final Device device;
  final Config config;

  GpuBackend(Device device, Config config) {
    this.device = device;
    this.config = config;
  }

  @Override
  public String name() {
    return "gpu";
  }

  @Override
  public String describe() {
    return device.describe() + (config.pinned ? "" : ", pageable host copies");
  }

  // ---------------------------------------------------------------- planning

  /** The number of steps per chunk for a call moving {@code rowBytes} per step. */
  int chunkRows(int n, int w, int eb, long rowBytes, int tileRows, long target) {
    long scratch = (long) Math.ceil((3.0 * eb + 28.0) * w / tileRows) + 2;
    long perRow = rowBytes + scratch;
    long fixed = 64L * w + (1L << 16);
    long budget = config.memoryBudget > 0 ? config.memoryBudget : device.freeMemory() / 2;
    long byBudget = (budget - fixed) / (2 * perRow);
    long rows = Math.min(Math.max(1, target / perRow), byBudget);
    if (rows < 1 || perRow > Integer.MAX_VALUE / 2) {
      throw new LongscanException("expected at least " + DevicePool.mib(2 * perRow + fixed)
          + " of device memory " + device.where + " to stream steps of width " + w + " ("
          + DevicePool.mib(perRow) + " per step), found a budget of " + DevicePool.mib(budget)
          + (config.memoryBudget > 0 ? " (longscan.gpu.memoryBudget)" : " (half the free memory)"));
    }
    if (rows >= n) {
      return n;
    }
    if (rows >= tileRows) {
      rows -= rows % tileRows;
    }
    return (int) rows;
  }

  private static long rowBytes(List<Pipeline.Region> ins, List<Pipeline.Region> outs) {
    long b = 0;
    for (Pipeline.Region r : ins) {
      b += r.bytes(1);
    }
    for (Pipeline.Region r : outs) {
      b += r.bytes(1);
    }
    return b;
  }

  interface Attempt<T> {
    T run(long targetChunkBytes);
  }

  /** Runs the call, shrinking chunks when the device runs out of memory meanwhile. */
  private <T> T withRetry(Attempt<T> attempt) {
    long target = config.chunkBytes;
    for (int tries = 0; ; tries++) {
      try {
        return attempt.run(target);
      } catch (DevicePool.OutOfDeviceMemory e) {
        if (tries >= 4 || target < (1 << 16)) {
          throw e;
        }
        device.pool.trim();
        target /= 4;
      }
    }
  }

  // ---------------------------------------------------------------- regions

  /** One byte per step: the step restarts from h0 (segment restarts in scan order). */
  private static Pipeline.Region restarts(ScanOptions o) {
    return new Pipeline.ComputedRegion() {
      @Override
      public long bytes(int rows) {
        return rows;
      }

      @Override
      void fill(ByteBuffer dst, int lo, int hi) {
        for (int t = lo; t < hi; t++) {
          dst.put(t - lo, o.restartsAt(t) ? (byte) 1 : (byte) 0);
        }
      }
    };
  }

  /** One byte per step for the backward pass: starts from h0 (1), next step continues (2). */
  private static Pipeline.Region backwardFlags(ScanOptions o, int n) {
    boolean rev = o.isReverse();
    int first = rev ? n - 1 : 0;
    return new Pipeline.ComputedRegion() {
      @Override
      public long bytes(int rows) {
        return rows;
      }

      @Override
      void fill(ByteBuffer dst, int lo, int hi) {
        for (int t = lo; t < hi; t++) {
          int next = rev ? t - 1 : t + 1;
          int f = (t == first || o.restartsAt(t)) ? 1 : 0;
          if (next >= 0 && next < n && !o.restartsAt(next)) {
            f |= 2;
          }
          dst.put(t - lo, (byte) f);
        }
      }
    };
  }

  /** Two rows: a at the step after the chunk in scan order, h at the step before it. */
  private static Pipeline.Region halo(Sequence a, Sequence h, ScanOptions o) {
    int n = a.steps();
    int w = a.width();
    int eb = a.precision() == Precision.FLOAT32 ? 4 : 8;
    boolean rev = o.isReverse();
    return new Pipeline.ComputedRegion() {
      @Override
      public long bytes(int rows) {
        return 2L * w * eb;
      }

      @Override
      void fill(ByteBuffer dst, int lo, int hi) {
        int tn = rev ? lo - 1 : hi;
        int tp = rev ? hi : lo - 1;
        row(a, tn, dst, 0);
        row(h, tp, dst, w * eb);
      }

      private void row(Sequence s, int t, ByteBuffer dst, int at) {
        ByteBuffer d = dst.duplicate().order(dst.order());
        d.position(at);
        d.limit(at + w * eb);
        ByteBuffer sl = d.slice().order(dst.order());
        if (t >= 0 && t < n) {
          HostCopy.toBuffer(s, t, t + 1, sl);
        } else {
          for (int i = 0; i < w * eb; i++) {
            sl.put(i, (byte) 0);
          }
        }
      }
    };
  }

  // ---------------------------------------------------------------- small state

  /** Copies doubles to the device on the compute stream through the lane's small buffer. */
  private static void upload(Call c, CUdeviceptr dst, double[]... parts) {
    int total = 0;
    for (double[] p : parts) {
      total += p.length;
    }
    Pinned sm = c.lane.small(8L * total);
    ByteBuffer bb = sm.slice(0, 8L * total);
    int i = 0;
    for (double[] p : parts) {
      for (double v : p) {
        bb.putDouble(8 * i++, v);
      }
    }
    Cuda.check(cuMemcpyHtoDAsync(dst, sm.ptr, 8L * total, c.lane.compute),
        "cuMemcpyHtoDAsync(state) " + c.where);
  }

  /** Waits for the compute stream, then copies {@code bytes} from the device. */
  private static ByteBuffer download(Call c, CUdeviceptr src, long bytes) {
    Cuda.check(cuStreamSynchronize(c.lane.compute), "cuStreamSynchronize " + c.where);
    Pinned sm = c.lane.small(bytes);
    Cuda.check(cuMemcpyDtoHAsync(sm.ptr, src, bytes, c.lane.compute), "cuMemcpyDtoHAsync(state) "
        + c.where);
    Cuda.check(cuStreamSynchronize(c.lane.compute), "cuStreamSynchronize " + c.where);
    return sm.slice(0, bytes);
  }

  /** A zeroed look-back status area for launches of up to {@code slots} slots. */
  private Kernels.Status status(Call c, long slots, boolean f32) {
    Kernels.Status st = new Kernels.Status(c.alloc(Kernels.Status.bytes(slots, f32)), slots, f32);
    device.kernels.zero(c.lane.compute, st);
    return st;
  }

  private static double[] zerosIfNull(double[] h0, int w) {
    return h0 != null ? h0 : new double[w];
  }

  // ---------------------------------------------------------------- operations

  @Override
  protected void doApply(Sequence a, Sequence b, double[] carry, ScanOptions o, Sequence out) {
    withRetry(target -> {
      apply(a, b, carry, o, out, target);
      return null;
    });
  }

  private void apply(Sequence a, Sequence b, double[] carry, ScanOptions o, Sequence out,
      long target) {
    int n = a.steps();
    int w = a.width();
    boolean f32 = a.precision() == Precision.FLOAT32;
    int eb = f32 ? 4 : 8;
    boolean rev = o.isReverse();
    boolean seg = o.isSegmented();
    List<Pipeline.Region> ins = new ArrayList<>(List.of(Pipeline.of(a), Pipeline.of(b)));
    if (seg) {
      ins.add(restarts(o));
    }
    List<Pipeline.Region> outs = List.of(Pipeline.of(out));
    int tileRows = Kernels.rows(Kernels.Op.SCAN, f32, w > 1);
    double[] h0 = zerosIfNull(o.initialState(), w);
    try (Call c = new Call(device)) {
      int rows = chunkRows(n, w, eb, rowBytes(ins, outs), tileRows, target);
      Kernels k = device.kernels;
      CUdeviceptr state = c.alloc(8L * 3 * w);
      CUdeviceptr[] carries = {state, state.withByteOffset(8L * w)};
      CUdeviceptr h0d = state.withByteOffset(16L * w);
      upload(c, state, carry, new double[w], h0);
      Kernels.Status st = status(c, Kernels.slots(Kernels.Op.SCAN, f32, rows, w), f32);
      int window = w == 1 ? config.windowScan : config.windowWide;
      Pipeline.run(c, config.pinned, ins, outs, n, rows, rev, (j, lo, hi, in, outp) ->
          k.scan(c.lane.compute, f32, rev, seg, in[0], in[1], seg ? in[2] : null, outp[0],
              hi - lo, w, carries[j & 1], carries[(j + 1) & 1], h0[0], h0d, st, window));
    }
  }

  @Override
  protected Summary doReduce(Sequence a, Sequence b, ScanOptions o) {
    return withRetry(target -> reduce(a, b, o, target));
  }

  private Summary reduce(Sequence a, Sequence b, ScanOptions o, long target) {
    int n = a.steps();
    int w = a.width();
    boolean f32 = a.precision() == Precision.FLOAT32;
    int eb = f32 ? 4 : 8;
    boolean rev = o.isReverse();
    boolean seg = o.isSegmented();
    List<Pipeline.Region> ins = new ArrayList<>(List.of(Pipeline.of(a), Pipeline.of(b)));
    if (seg) {
      ins.add(restarts(o));
    }
    int tileRows = Kernels.rows(Kernels.Op.REDUCE, f32, w > 1);
    double[] h0 = zerosIfNull(o.initialState(), w);
    try (Call c = new Call(device)) {
      int rows = chunkRows(n, w, eb, rowBytes(ins, List.of()), tileRows, target);
      Kernels k = device.kernels;
      long parts = Kernels.timeTiles(Kernels.Op.REDUCE, f32, rows, w);
      CUdeviceptr partA = c.alloc(8 * parts * w);
      CUdeviceptr partB = c.alloc(8 * parts * w);
      CUdeviceptr partF = c.alloc(4 * parts * w);
      CUdeviceptr run = c.alloc(20L * w + 8L * w);
      CUdeviceptr runA = run;
      CUdeviceptr runB = run.withByteOffset(8L * w);
      CUdeviceptr h0d = run.withByteOffset(16L * w);
      CUdeviceptr runF = run.withByteOffset(24L * w);
      upload(c, h0d, h0);
      k.summaryInit(c.lane.compute, w, runA, runB, runF);
      Pipeline.run(c, config.pinned, ins, List.of(), n, rows, rev, (j, lo, hi, in, outp) -> {
        k.reduce(c.lane.compute, f32, rev, seg, in[0], in[1], seg ? in[2] : null, hi - lo, w,
            h0[0], h0d, partA, partB, partF);
        k.fold(c.lane.compute, w, partA, partB, partF,
            Kernels.timeTiles(Kernels.Op.REDUCE, f32, hi - lo, w),
            runA, runB, runF);
      });
      ByteBuffer r = download(c, run, 28L * w);
      double[] sa = new double[w];
      double[] sb = new double[w];
      for (int i = 0; i < w; i++) {
        sa[i] = r.getDouble(8 * i);
        sb[i] = r.getDouble(8 * (w + i));
      }
      int f = r.getInt(24 * w);
      return newSummary(sa, sb, (f & 1) != 0);
    }
  }

  @Override
  protected void doBackward(Sequence a, Sequence h, Sequence gradH, ScanOptions o, Sequence gradA,
      Sequence gradB, double[] gradH0) {
    withRetry(target -> {
      backward(a, h, gradH, o, gradA, gradB, gradH0, target);
      return null;
    });
  }

  private void backward(Sequence a, Sequence h, Sequence g, ScanOptions o, Sequence ga,
      Sequence gb, double[] gradH0, long target) {
    int n = a.steps();
    int w = a.width();
    boolean f32 = a.precision() == Precision.FLOAT32;
    int eb = f32 ? 4 : 8;
    boolean rev = o.isReverse();
    boolean seg = o.isSegmented();
    boolean wide = w > 1;
    List<Pipeline.Region> ins =
        new ArrayList<>(List.of(Pipeline.of(a), Pipeline.of(h), Pipeline.of(g)));
    int flagIndex = -1;
    int haloIndex = -1;
    if (seg) {
      flagIndex = ins.size();
      ins.add(backwardFlags(o, n));
    }
    if (wide) {
      haloIndex = ins.size();
      ins.add(halo(a, h, o));
    }
    List<Pipeline.Region> outs = List.of(Pipeline.of(ga), Pipeline.of(gb));
    int tileRows = Kernels.rows(Kernels.Op.BACKWARD, f32, wide);
    double[] h0 = zerosIfNull(o.initialState(), w);
    int tFirst = rev ? n - 1 : 0;
    int tLast = rev ? 0 : n - 1;
    int fi = flagIndex;
    int hi0 = haloIndex;
    try (Call c = new Call(device)) {
      int rows = chunkRows(n, w, eb, rowBytes(ins, outs), tileRows, target);
      Kernels k = device.kernels;
      long parts = Kernels.timeTiles(Kernels.Op.BACKWARD, f32, rows, w);
      CUdeviceptr g0Parts = c.alloc(8 * parts * w);
      CUdeviceptr state = c.alloc(8L * 4 * w);
      CUdeviceptr[] carries = {state, state.withByteOffset(8L * w)};
      CUdeviceptr h0d = state.withByteOffset(16L * w);
      CUdeviceptr g0Run = state.withByteOffset(24L * w);
      upload(c, state, new double[w], new double[w], h0, new double[w]);
      Kernels.Status st = status(c, Kernels.slots(Kernels.Op.BACKWARD, f32, rows, w), f32);
      int window = wide ? config.windowWide : config.windowLong;
      // gradient order is the reverse of the scan order
      Pipeline.run(c, config.pinned, ins, outs, n, rows, !rev, (j, lo, hi, in, outp) -> {
        long first = tFirst >= lo && tFirst < hi ? tFirst - lo : -1;
        long last = tLast >= lo && tLast < hi ? tLast - lo : -1;
        double aNext = 0;
        double hPrev = 0;
        if (!wide) {
          int tn = rev ? lo - 1 : hi;
          int tp = rev ? hi : lo - 1;
          aNext = tn >= 0 && tn < n ? a.get(tn, 0) : 0;
          hPrev = tp >= 0 && tp < n ? h.get(tp, 0) : 0;
        }
        CUdeviceptr aNextD = wide ? in[hi0] : null;
        CUdeviceptr hPrevD = wide ? in[hi0].withByteOffset((long) w * eb) : null;
        k.backward(c.lane.compute, f32, rev, seg, in[0], in[1], in[2], seg ? in[fi] : null,
            outp[0], outp[1], hi - lo, w, first, last, aNext, hPrev, h0[0], aNextD, hPrevD, h0d,
            carries[j & 1], carries[(j + 1) & 1], g0Parts, st, window);
        k.sum(c.lane.compute, w, g0Parts, Kernels.timeTiles(Kernels.Op.BACKWARD, f32, hi - lo, w),
            g0Run);
      });
      if (gradH0 != null) {
        ByteBuffer r = download(c, g0Run, 8L * w);
        for (int i = 0; i < w; i++) {
          gradH0[i] = r.getDouble(8 * i);
        }
      }
    }
  }
}
