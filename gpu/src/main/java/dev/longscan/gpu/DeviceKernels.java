package dev.longscan.gpu;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import dev.longscan.Backend;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/**
 * Direct launches of the GPU backend's kernels on device memory, for the benchmark program
 * {@code dev.longscan.bench.GpuBenchmark} (benchmarks module), which times each kernel against a
 * copy kernel. <b>Not API</b>: it exists for that benchmark, trusts its arguments as the
 * backend's internals do, and may change with any release; applications use
 * {@code Backends.select("gpu")}.
 *
 * <p>Arguments are raw device pointers and streams (JCuda); sizes are in steps ({@code n}) and
 * channels ({@code width}); look-back windows are capped as the backend caps them.
 */
public final class DeviceKernels {
  private final Device dev;
  private final Kernels k;

  private DeviceKernels(Device dev) {
    this.dev = dev;
    this.k = dev.kernels;
  }

  /**
   * Device {@code ordinal}, opened as the backend opens it, its context current on this thread.
   *
   * @throws dev.longscan.BackendUnavailableException when no such GPU is usable
   */
  public static DeviceKernels open(int ordinal) {
    Device d = Device.get(ordinal);
    d.enter();
    return new DeviceKernels(d);
  }

  /** Makes the device's context current on the calling thread. */
  public void enter() {
    dev.enter();
  }

  /** The device in words: ordinal, name, compute capability, SMs, memory, driver. */
  public String describe() {
    return dev.describe();
  }

  public int multiprocessors() {
    return dev.multiprocessors;
  }

  /** The nvcc version the loaded fatbin was built with. */
  public static String fatbinNvcc() {
    return Fatbin.properties().getProperty("nvcc");
  }

  /** The GPU backend of this device with the default configuration, pinned or pageable copies. */
  public Backend backend(boolean pinned) {
    GpuBackend.Config c = GpuBackend.Config.defaults();
    return new GpuBackend(dev, pinned ? c : c.with(c.chunkBytes, c.memoryBudget, false));
  }

  /** Throws with {@code what} and the driver's message when {@code result} is not CUDA_SUCCESS. */
  public static void check(int result, String what) {
    Cuda.check(result, what);
  }

  /** Device memory of at least 256 bytes. */
  public static CUdeviceptr alloc(long bytes) {
    CUdeviceptr p = new CUdeviceptr();
    Cuda.check(cuMemAlloc(p, Math.max(bytes, 256)), "cuMemAlloc(" + DevicePool.mib(bytes) + ")");
    return p;
  }

  public static void free(CUdeviceptr p) {
    if (p != null) {
      cuMemFree(p);
    }
  }

  // ---------------------------------------------------------------- look-back status

  /** The look-back scratch of a sequence of scan or backward launches on one stream. */
  public static final class Status {
    final Kernels.Status s;

    private Status(Kernels.Status s) {
      this.s = s;
    }

    /** Frees its device memory. */
    public void free() {
      DeviceKernels.free(s.base);
    }
  }

  /** Zeroed status for scans of up to n steps of the given width. */
  public Status scanStatus(CUstream st, boolean f32, long n, long width) {
    return status(st, Kernels.slots(Kernels.Op.SCAN, f32, n, width), f32);
  }

  /** Zeroed status for backward launches of up to n steps of the given width. */
  public Status backwardStatus(CUstream st, boolean f32, long n, long width) {
    return status(st, Kernels.slots(Kernels.Op.BACKWARD, f32, n, width), f32);
  }

  private Status status(CUstream st, long slots, boolean f32) {
    Kernels.Status s = new Kernels.Status(alloc(Kernels.Status.bytes(slots, f32)), slots, f32);
    k.zero(st, s);
    return new Status(s);
  }

  // ---------------------------------------------------------------- shapes and windows

  /** Per-tile partial results of a chunk reduce over n steps (width 1 or more). */
  public static long reduceParts(boolean f32, long n, long width) {
    return Kernels.timeTiles(Kernels.Op.REDUCE, f32, n, width);
  }

  /** Per-tile ∂h0 partial sums of a backward launch over n steps (per channel). */
  public static long backwardParts(boolean f32, long n, long width) {
    return Kernels.timeTiles(Kernels.Op.BACKWARD, f32, n, width);
  }

  public static int scanMaxWindow(boolean f32) {
    return Kernels.scanMaxWindow(f32);
  }

  public static int backwardMaxWindow(boolean f32, boolean seg) {
    return Kernels.backwardMaxWindow(f32, seg);
  }

  public static int wideMaxWindow() {
    return Kernels.WIDE_MAX_WINDOW;
  }

  /** The backend's windows: width-1 scan, width-1 backward, wide (before any cap). */
  public static int[] defaultWindows() {
    return new int[] {GpuBackend.Config.DEFAULT_WINDOW_SCAN,
        GpuBackend.Config.DEFAULT_WINDOW_LONG, GpuBackend.Config.DEFAULT_WINDOW_WIDE};
  }

  // ---------------------------------------------------------------- launches

  /** Scan (chunk apply) of n steps from carryIn (width float64 values) into out. */
  public void scan(CUstream st, boolean f32, boolean rev, boolean seg, CUdeviceptr a,
      CUdeviceptr b, CUdeviceptr restarts, CUdeviceptr out, long n, long width,
      CUdeviceptr carryIn, CUdeviceptr carryOut, double h0Scalar, CUdeviceptr h0, Status s,
      int window) {
    k.scan(st, f32, rev, seg, a, b, restarts, out, n, width, carryIn, carryOut, h0Scalar, h0, s.s,
        window);
  }

  /** Chunk reduce: per-time-tile summaries (float64) into partA, partB, partF. */
  public void reduce(CUstream st, boolean f32, boolean rev, boolean seg, CUdeviceptr a,
      CUdeviceptr b, CUdeviceptr restarts, long n, long width, double h0Scalar, CUdeviceptr h0,
      CUdeviceptr partA, CUdeviceptr partB, CUdeviceptr partF) {
    k.reduce(st, f32, rev, seg, a, b, restarts, n, width, h0Scalar, h0, partA, partB, partF);
  }

  /** run = run ▷ parts[0] ▷ … ▷ parts[count - 1] per channel. */
  public void fold(CUstream st, long width, CUdeviceptr partA, CUdeviceptr partB,
      CUdeviceptr partF, long count, CUdeviceptr runA, CUdeviceptr runB, CUdeviceptr runF) {
    k.fold(st, width, partA, partB, partF, count, runA, runB, runF);
  }

  /** The identity summary in each channel. */
  public void summaryInit(CUstream st, long width, CUdeviceptr runA, CUdeviceptr runB,
      CUdeviceptr runF) {
    k.summaryInit(st, width, runA, runB, runF);
  }

  /** Backward over n steps (the arguments of long.cuh / wide.cuh backward_long, backward_wide). */
  public void backward(CUstream st, boolean f32, boolean rev, boolean seg, CUdeviceptr a,
      CUdeviceptr h, CUdeviceptr g, CUdeviceptr flags, CUdeviceptr ga, CUdeviceptr gb, long n,
      long width, long first, long last, double aNextScalar, double hPrevScalar,
      double h0Scalar, CUdeviceptr aNext, CUdeviceptr hPrev, CUdeviceptr h0,
      CUdeviceptr carryIn, CUdeviceptr carryOut, CUdeviceptr g0Parts, Status s, int window) {
    k.backward(st, f32, rev, seg, a, h, g, flags, ga, gb, n, width, first, last, aNextScalar,
        hPrevScalar, h0Scalar, aNext, hPrev, h0, carryIn, carryOut, g0Parts, s.s, window);
  }

  /** run[c] += Σ parts[p][c] over p in order. */
  public void sum(CUstream st, long width, CUdeviceptr parts, long count, CUdeviceptr run) {
    k.sum(st, width, parts, count, run);
  }

  /** dst = src for {@code bytes} bytes (a multiple of 16): the benchmark's yardstick. */
  public void copy16(CUstream st, CUdeviceptr src, CUdeviceptr dst, long bytes, int blocks) {
    k.copy16(st, src, dst, bytes, blocks);
  }

  /** Uniform values in [lo, hi), negated with probability 1/2 when {@code signed}. */
  public void fill(CUstream st, boolean f32, CUdeviceptr p, long n, long seed, double lo,
      double hi, boolean signed, int blocks) {
    k.fill(st, f32, p, n, seed, lo, hi, signed, blocks);
  }
}
