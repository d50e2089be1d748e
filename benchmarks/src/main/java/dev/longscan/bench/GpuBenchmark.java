package dev.longscan.bench;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.longscan.Backend;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.gpu.DeviceKernels;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * The GPU backend's benchmark: a program that prints a table (not a timed test). Every kernel
 * figure is a ratio to the device-to-device copy kernel (ls_copy16) timed in the same run,
 * counting bytes read plus bytes written; times are CUDA-event medians of {@code --runs} runs after
 * warm-up, rotating over several input sets so that the 60 MB L2 does not flatter. The host
 * path (Java arrays → device → Java arrays through the backend) is a ratio to a bare host →
 * device → host copy of the same bytes.
 *
 * <pre>
 *   java -cp … dev.longscan.bench.GpuBenchmark [--runs 15] [--quick] [--out results.md]
 * </pre>
 */
public final class GpuBenchmark {
  private final DeviceKernels dev;
  private final DeviceKernels k;
  private final CUstream st = new CUstream();
  private final CUevent start = new CUevent();
  private final CUevent stop = new CUevent();
  private final int runs;
  private final boolean quick;
  private final List<String> rows = new ArrayList<>();
  private final PrintStream out = System.out;
  private double copyBandwidth;

  private GpuBenchmark(DeviceKernels dev, int runs, boolean quick) {
    this.dev = dev;
    this.k = dev;
    this.runs = runs;
    this.quick = quick;
    check(cuStreamCreate(st, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
    check(cuEventCreate(start, 0), "cuEventCreate");
    check(cuEventCreate(stop, 0), "cuEventCreate");
  }

  public static void main(String[] args) throws Exception {
    int runs = 15;
    boolean quick = false;
    Path outFile = null;
    String only = "";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs":
          runs = Integer.parseInt(args[++i]);
          break;
        case "--quick":
          quick = true;
          break;
        case "--out":
          outFile = Path.of(args[++i]);
          break;
        case "--only":
          only = args[++i];
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    DeviceKernels dev = DeviceKernels.open(0);
    GpuBenchmark b = new GpuBenchmark(dev, runs, quick);
    b.header();
    b.copy();
    if (only.isEmpty() || only.contains("long")) {
      b.forwardLong(true);
      b.forwardLong(false);
      b.backwardLong(true, false);
      b.backwardLong(false, false);
      b.backwardLong(true, true);
      b.backwardLong(false, true);
      b.reduceLong();
    }
    if (only.isEmpty() || only.contains("wide")) {
      b.forwardWide(true);
      b.forwardWide(false);
      b.backwardWide();
    }
    if (only.isEmpty() || only.contains("host")) {
      b.hostPath();
    }
    b.out.println();
    for (String r : b.rows) {
      b.out.println(r);
    }
    if (outFile != null) {
      Files.write(outFile, b.rows);
    }
  }

  private void header() {
    String line = "device: " + dev.describe() + "; fatbin nvcc " + DeviceKernels.fatbinNvcc()
        + "; java " + System.getProperty("java.version") + "; runs "
        + runs + " (median), warm-up 3";
    out.println(line);
    rows.add(line);
    rows.add("");
    rows.add("| case | elements | bytes moved | median ms | GB/s | ratio | note |");
    rows.add("| --- | --- | --- | --- | --- | --- | --- |");
  }

  private void row(String what, long elements, long bytes, double ms, double ratio, String note) {
    double gbs = bytes / (ms * 1e6);
    String r = String.format(Locale.ROOT, "| %s | %d | %.2f GB | %.3f | %.0f | %.3f | %s |", what,
        elements, bytes / 1e9, ms, gbs, ratio, note);
    out.println(r);
    rows.add(r);
  }

  // ---------------------------------------------------------------- device helpers

  private static void check(int result, String what) {
    DeviceKernels.check(result, what);
  }

  private static CUdeviceptr alloc(long bytes) {
    return DeviceKernels.alloc(bytes);
  }

  private static void free(CUdeviceptr... ps) {
    for (CUdeviceptr p : ps) {
      DeviceKernels.free(p);
    }
  }

  /** A page-locked host buffer (the host-path rows' staging). */
  private static final class Pinned {
    final Pointer ptr = new Pointer();
    final java.nio.ByteBuffer buffer;

    Pinned(long bytes) {
      check(cuMemAllocHost(ptr, bytes), "cuMemAllocHost(" + bytes + " B)");
      buffer = ptr.getByteBuffer(0, bytes).order(java.nio.ByteOrder.nativeOrder());
    }

    void free() {
      cuMemFreeHost(ptr);
    }
  }

  private int fillBlocks() {
    return dev.multiprocessors() * 8;
  }

  private void fill(boolean f32, CUdeviceptr p, long n, long seed, double lo, double hi,
      boolean signed) {
    k.fill(st, f32, p, n, seed, lo, hi, signed, fillBlocks());
  }

  interface Body {
    void run(int set);
  }

  /** Median of runs milliseconds (CUDA events) after 3 warm-ups, rotating over sets. */
  private double time(int sets, Body body) {
    for (int i = 0; i < 3; i++) {
      body.run(i % sets);
    }
    check(cuStreamSynchronize(st), "sync");
    double[] ms = new double[runs];
    float[] e = new float[1];
    for (int i = 0; i < runs; i++) {
      check(cuEventRecord(start, st), "record");
      body.run(i % sets);
      check(cuEventRecord(stop, st), "record");
      check(cuEventSynchronize(stop), "sync");
      check(cuEventElapsedTime(e, start, stop), "elapsed");
      ms[i] = e[0];
    }
    Arrays.sort(ms);
    return ms[runs / 2];
  }

  private static void free(DeviceKernels.Status s) {
    s.free();
  }

  // ---------------------------------------------------------------- cases

  private void copy() {
    long n = quick ? 1L << 26 : 1L << 28;
    int sets = 3;
    CUdeviceptr[] src = new CUdeviceptr[sets];
    CUdeviceptr dst = alloc(4 * n);
    for (int s = 0; s < sets; s++) {
      src[s] = alloc(4 * n);
      fill(true, src[s], n, 7 + s, -1, 1, false);
    }
    int blocks = dev.multiprocessors() * 8;
    double ms = time(sets, s -> k.copy16(st, src[s], dst, 4 * n, blocks));
    copyBandwidth = 8.0 * n / (ms * 1e6);
    row("copy kernel (yardstick), fp32", n, 8 * n, ms, 1.0, "read + write");
    free(src);
    free(dst);
  }

  private double ratio(long bytes, double ms) {
    return bytes / (ms * 1e6) / copyBandwidth;
  }

  private void forwardLong(boolean f32) {
    int eb = f32 ? 4 : 8;
    long n = quick ? 1L << 24 : (f32 ? 1L << 28 : 1L << 27);
    int sets = 3;
    CUdeviceptr[] a = new CUdeviceptr[sets];
    CUdeviceptr[] b = new CUdeviceptr[sets];
    CUdeviceptr[] h = new CUdeviceptr[sets];
    for (int s = 0; s < sets; s++) {
      a[s] = alloc(eb * n);
      b[s] = alloc(eb * n);
      h[s] = alloc(eb * n);
      fill(f32, a[s], n, 100 + s, 0.3, 0.98, true);
      fill(f32, b[s], n, 200 + s, -1, 1, false);
    }
    CUdeviceptr carry = alloc(16);
    check(cuMemsetD8Async(carry, (byte) 0, 16, st), "memset");
    DeviceKernels.Status status = k.scanStatus(st, f32, n, 1);
    int[] windows = f32 ? new int[] {32, 64, 128} : new int[] {32, 64};
    int def = Math.min(DeviceKernels.defaultWindows()[0], DeviceKernels.scanMaxWindow(f32));
    for (int w : windows) {
      double ms = time(sets, s -> k.scan(st, f32, false, false, a[s], b[s], null, h[s], n, 1,
          carry, carry.withByteOffset(8), 0.0, null, status, w));
      row((f32 ? "fp32" : "fp64") + " forward scan, width 1, window " + w, n, 3L * eb * n, ms,
          ratio(3L * eb * n, ms), w == def ? "default window"
              : "");
    }
    if (f32) {
      checkLong(a[0], b[0], h[0], n, status, carry);
    }
    free(status);
    free(a);
    free(b);
    free(h);
    free(carry);
  }

  /** Bitwise repeatability and accuracy against a float64 sequential scan on the host. */
  private void checkLong(CUdeviceptr a, CUdeviceptr b, CUdeviceptr h, long n,
      DeviceKernels.Status status, CUdeviceptr carry) {
    int m = (int) Math.min(n, Integer.MAX_VALUE - 8);
    float[] first = download(h, m);
    k.scan(st, true, false, false, a, b, null, h, n, 1, carry, carry.withByteOffset(8), 0.0, null,
        status, DeviceKernels.defaultWindows()[0]);
    check(cuStreamSynchronize(st), "sync");
    float[] again = download(h, m);
    boolean same = Arrays.equals(first, again);
    float[] av = download(a, m);
    float[] bv = download(b, m);
    double hh = 0;
    double worst = 0;
    for (int t = 0; t < m; t++) {
      hh = av[t] * hh + bv[t];
      worst = Math.max(worst, Math.abs(again[t] - hh) / (1 + Math.abs(hh)));
    }
    String r = String.format(Locale.ROOT, "check fp32 width 1 n=%d: two runs bitwise identical: "
        + "%s; max |h - h_ref| / (1 + |h_ref|) against a float64 sequential scan: %.2e", n,
        same, worst);
    out.println(r);
    rows.add("");
    rows.add(r);
    rows.add("");
  }

  private float[] download(CUdeviceptr p, int n) {
    check(cuStreamSynchronize(st), "sync");
    float[] x = new float[n];
    check(cuMemcpyDtoH(Pointer.to(x), p, 4L * n), "cuMemcpyDtoH");
    return x;
  }

  private void reduceLong() {
    long n = quick ? 1L << 24 : 1L << 28;
    int sets = 3;
    CUdeviceptr[] a = new CUdeviceptr[sets];
    CUdeviceptr[] b = new CUdeviceptr[sets];
    for (int s = 0; s < sets; s++) {
      a[s] = alloc(4 * n);
      b[s] = alloc(4 * n);
      fill(true, a[s], n, 300 + s, 0.3, 0.98, true);
      fill(true, b[s], n, 400 + s, -1, 1, false);
    }
    long parts = DeviceKernels.reduceParts(true, n, 1);
    CUdeviceptr pa = alloc(8 * parts);
    CUdeviceptr pb = alloc(8 * parts);
    CUdeviceptr pf = alloc(4 * parts);
    CUdeviceptr run = alloc(64);
    double ms = time(sets, s -> {
      k.summaryInit(st, 1, run, run.withByteOffset(8), run.withByteOffset(16));
      k.reduce(st, true, false, false, a[s], b[s], null, n, 1, 0.0, null, pa, pb, pf);
      k.fold(st, 1, pa, pb, pf, parts, run, run.withByteOffset(8), run.withByteOffset(16));
    });
    row("fp32 chunk reduce (summary in fp64), width 1", n, 8 * n, ms, ratio(8 * n, ms),
        "reads a, b");
    free(a);
    free(b);
    free(pa, pb, pf, run);
  }

  /**
   * The width-1 backward; segmented: every step continues (flag bytes all BF_CONT), the flags
   * read as a sixth stream.
   */
  private void backwardLong(boolean f32, boolean seg) {
    long eb = f32 ? 4 : 8;
    long n = (quick ? 1L << 24 : 1L << 28) * 4 / eb;  // the same bytes in both precisions
    int sets = 2;
    CUdeviceptr[][] x = new CUdeviceptr[sets][5];
    for (int s = 0; s < sets; s++) {
      for (int i = 0; i < 5; i++) {
        x[s][i] = alloc(eb * n);
      }
      fill(f32, x[s][0], n, 500 + s, 0.3, 0.98, true);
      fill(f32, x[s][1], n, 600 + s, -3, 3, false);
      fill(f32, x[s][2], n, 700 + s, -1, 1, false);
    }
    CUdeviceptr flags = null;
    if (seg) {
      flags = alloc(n);
      check(cuMemsetD8Async(flags, (byte) 2, n, st), "memset");
    }
    CUdeviceptr fl = flags;
    long tiles = DeviceKernels.backwardParts(f32, n, 1);
    DeviceKernels.Status status = k.backwardStatus(st, f32, n, 1);
    CUdeviceptr state = alloc(64);
    check(cuMemsetD8Async(state, (byte) 0, 64, st), "memset");
    CUdeviceptr parts = alloc(8 * tiles);
    long bytes = 5 * eb * n + (seg ? n : 0);
    int max = DeviceKernels.backwardMaxWindow(f32, seg);
    int[] windows = max == 128 ? new int[] {32, 64, 128} : new int[] {32, 64};
    for (int w : windows) {
      double ms = time(sets, s -> {
        k.backward(st, f32, false, seg, x[s][0], x[s][1], x[s][2], fl, x[s][3], x[s][4], n,
            1, 0, n - 1, 0, 0, 0, null, null, null, state, state.withByteOffset(8), parts, status,
            w);
        k.sum(st, 1, parts, tiles, state.withByteOffset(16));
      });
      String note = (seg ? "floor: read a, h, g, flags; write ∂a, ∂b"
          : "floor: read a, h, g; write ∂a, ∂b")
          + (w == Math.min(DeviceKernels.defaultWindows()[1], max) ? "; default window" : "");
      row((f32 ? "fp32" : "fp64") + (seg ? " segmented" : "")
          + " backward (δ, ∂a, ∂b, ∂h0), width 1, window " + w, n, bytes, ms,
          ratio(bytes, ms), note);
    }
    free(status);
    free(state, parts);
    if (seg) {
      free(flags);
    }
    for (CUdeviceptr[] s : x) {
      free(s);
    }
  }

  private void forwardWide(boolean f32) {
    int eb = f32 ? 4 : 8;
    long n = quick ? 8192 : (f32 ? 65536 : 32768);
    long w = 12288;
    long e = n * w;
    int sets = 2;
    CUdeviceptr[] a = new CUdeviceptr[sets];
    CUdeviceptr[] b = new CUdeviceptr[sets];
    CUdeviceptr[] h = new CUdeviceptr[sets];
    for (int s = 0; s < sets; s++) {
      a[s] = alloc(eb * e);
      b[s] = alloc(eb * e);
      h[s] = alloc(eb * e);
      fill(f32, a[s], e, 800 + s, 0.3, 0.98, true);
      fill(f32, b[s], e, 900 + s, -1, 1, false);
    }
    CUdeviceptr carry = alloc(16 * w);
    check(cuMemsetD8Async(carry, (byte) 0, 16 * w, st), "memset");
    DeviceKernels.Status status = k.scanStatus(st, f32, n, w);
    for (int win : new int[] {1, 2, 4, 8}) {
      double ms = time(sets, s -> k.scan(st, f32, false, false, a[s], b[s], null, h[s], n, w,
          carry, carry.withByteOffset(8 * w), 0.0, null, status, win));
      row((f32 ? "fp32" : "fp64") + " forward scan, " + n + " × " + w + ", window " + win, e,
          3 * eb * e, ms, ratio(3 * eb * e, ms),
          win == DeviceKernels.defaultWindows()[2] ? "default window" : "");
    }
    free(status);
    free(a);
    free(b);
    free(h);
    free(carry);
  }

  private void backwardWide() {
    long n = quick ? 8192 : 65536;
    long w = 12288;
    long e = n * w;
    int sets = 2;
    CUdeviceptr[][] x = new CUdeviceptr[sets][5];
    for (int s = 0; s < sets; s++) {
      for (int i = 0; i < 5; i++) {
        x[s][i] = alloc(4 * e);
      }
      fill(true, x[s][0], e, 1000 + s, 0.3, 0.98, true);
      fill(true, x[s][1], e, 1100 + s, -3, 3, false);
      fill(true, x[s][2], e, 1200 + s, -1, 1, false);
    }
    long tt = DeviceKernels.backwardParts(true, n, w);
    DeviceKernels.Status status = k.backwardStatus(st, true, n, w);
    CUdeviceptr state = alloc(64 * w);
    check(cuMemsetD8Async(state, (byte) 0, 64 * w, st), "memset");
    CUdeviceptr parts = alloc(8 * tt * w);
    for (int win : new int[] {1, 2, 4}) {
      double ms = time(sets, s -> {
        k.backward(st, true, false, false, x[s][0], x[s][1], x[s][2], null, x[s][3], x[s][4], n,
            w, 0, n - 1, 0, 0, 0, state, state.withByteOffset(4 * w), state.withByteOffset(8 * w),
            state.withByteOffset(16 * w), state.withByteOffset(24 * w), parts, status, win);
        k.sum(st, w, parts, tt, state.withByteOffset(32 * w));
      });
      row("fp32 backward, " + n + " × " + w + ", window " + win, e, 20 * e, ms, ratio(20 * e, ms),
          "floor: read a, h, g; write ∂a, ∂b");
    }
    free(status);
    free(state, parts);
    for (CUdeviceptr[] s : x) {
      free(s);
    }
  }

  /** Java float[] → pinned memory copy rate with 1 … 16 threads (no GPU involved). */
  private void stagingRates() {
    int n = quick ? 1 << 24 : 1 << 26;
    float[] src = new float[n];
    Arrays.fill(src, 1.5f);
    Pinned p = new Pinned(4L * n);
    try {
      for (int threads : new int[] {1, 2, 4, 8, 16}) {
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads);
        try {
          double ms = wall(() -> pool.submit(() -> java.util.stream.IntStream.range(0, threads)
              .parallel().forEach(i -> {
                int from = (int) ((long) n * i / threads);
                int to = (int) ((long) n * (i + 1) / threads);
                java.nio.ByteBuffer d =
                    p.buffer.duplicate().order(java.nio.ByteOrder.nativeOrder());
                d.position(4 * from);
                d.asFloatBuffer().put(src, from, to - from);
              })).join());
          row("host staging: float[] → pinned, " + threads + " threads", n, 4L * n, ms, 0,
              "host memory only");
        } finally {
          pool.shutdown();
        }
      }
      for (int threads : new int[] {1, 16}) {
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads);
        try {
          double ms = wall(() -> pool.submit(() -> java.util.stream.IntStream.range(0, threads)
              .parallel().forEach(i -> {
                dev.enter();
                long from = (long) n * i / threads;
                long to = (long) n * (i + 1) / threads;
                jcuda.driver.CUDA_MEMCPY2D m = new jcuda.driver.CUDA_MEMCPY2D();
                m.srcMemoryType = jcuda.driver.CUmemorytype.CU_MEMORYTYPE_HOST;
                m.srcHost = Pointer.to(src).withByteOffset(4 * from);
                m.dstMemoryType = jcuda.driver.CUmemorytype.CU_MEMORYTYPE_HOST;
                m.dstHost = p.ptr.withByteOffset(4 * from);
                m.WidthInBytes = 4 * (to - from);
                m.srcPitch = m.WidthInBytes;
                m.dstPitch = m.WidthInBytes;
                m.Height = 1;
                check(jcuda.driver.JCudaDriver.cuMemcpy2D(m), "cuMemcpy2D host to host");
              })).join());
          row("host staging: float[] → pinned by cuMemcpy2D, " + threads + " threads", n,
              4L * n, ms, 0, "host memory only");
        } catch (RuntimeException ex) {
          out.println("cuMemcpy2D staging failed: " + ex);
        } finally {
          pool.shutdown();
        }
      }
    } finally {
      p.free();
    }
  }

  /** Java arrays → device → Java arrays through the backend, against bare copies. */
  private void hostPath() {
    stagingRates();
    for (int w : new int[] {1, 1024}) {
      int n = (quick ? 1 << 24 : 1 << 26) / w;
      long e = (long) n * w;
      Sequence a = Sequence.allocate(Precision.FLOAT32, n, w);
      Sequence b = Sequence.allocate(Precision.FLOAT32, n, w);
      java.util.SplittableRandom r = new java.util.SplittableRandom(5);
      float[] af = a.floatArray();
      float[] bf = b.floatArray();
      for (int i = 0; i < af.length; i++) {
        af[i] = (float) (0.3 + 0.68 * r.nextDouble());
        bf[i] = (float) (2 * r.nextDouble() - 1);
      }
      Sequence h = a.allocateLike();
      long inBytes = 8 * e;
      long outBytes = 4 * e;
      double bare = bareCopy(af, bf, h.floatArray(), true);
      double barePageable = bareCopy(af, bf, h.floatArray(), false);
      for (int threads : new int[] {4, 16}) {
        double ms = parallelPageable(af, bf, h.floatArray(), threads);
        row("host path: bare copy from pageable Java arrays, " + threads + " threads, " + n
            + " × " + w, e, 12 * e, ms, bare / ms, "");
      }
      Backend pinned = dev.backend(true);
      Backend pageable = dev.backend(false);
      double msPinned = wall(() -> pinned.scan(a, b, ScanOptions.defaults(), h));
      double msPageable = wall(() -> pageable.scan(a, b, ScanOptions.defaults(), h));
      String shape = n + " × " + w;
      row("host path: bare H→D (a, b) + D→H (h) copy, pinned, " + shape, e, inBytes + outBytes,
          bare, 1.0, "yardstick for the host rows");
      row("host path: bare copy from pageable Java arrays, " + shape, e, inBytes + outBytes,
          barePageable, bare / barePageable, "");
      row("host path: backend scan, Java arrays, pinned staging, " + shape, e,
          inBytes + outBytes, msPinned, bare / msPinned, "ratio = bare pinned copy / this");
      row("host path: backend scan, Java arrays, pageable copies, " + shape, e,
          inBytes + outBytes, msPageable, bare / msPageable, "ratio = bare pinned copy / this");
    }
  }

  private double wall(Runnable r) {
    for (int i = 0; i < 3; i++) {
      r.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms[runs / 2];
  }

  /** The bare pageable copies split over threads, each copying its slice (synchronous calls). */
  private double parallelPageable(float[] a, float[] b, float[] h, int threads) {
    long nb = 4L * a.length;
    CUdeviceptr d = alloc(3 * nb);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      return wall(() -> {
        List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          long lo = (long) a.length * t / threads;
          long hi = (long) a.length * (t + 1) / threads;
          fs.add(pool.submit(() -> {
            dev.enter();
            long off = 4 * lo;
            long len = 4 * (hi - lo);
            check(cuMemcpyHtoD(d.withByteOffset(off), Pointer.to(a).withByteOffset(off), len),
                "h2d");
            check(cuMemcpyHtoD(d.withByteOffset(nb + off), Pointer.to(b).withByteOffset(off),
                len), "h2d");
            check(cuMemcpyDtoH(Pointer.to(h).withByteOffset(off),
                d.withByteOffset(2 * nb + off), len), "d2h");
          }));
        }
        for (java.util.concurrent.Future<?> f : fs) {
          try {
            f.get();
          } catch (Exception ex) {
            throw new RuntimeException(ex);
          }
        }
      });
    } finally {
      pool.shutdown();
      free(d);
    }
  }

  /** One H→D copy of a and b and one D→H copy of h, from pinned or pageable host memory. */
  private double bareCopy(float[] a, float[] b, float[] h, boolean pinned) {
    long nb = 4L * a.length;
    CUdeviceptr d = alloc(3 * nb);
    try {
      if (pinned) {
        Pinned p = new Pinned(3 * nb);
        p.buffer.asFloatBuffer().put(a).put(b);
        try {
          return wall(() -> {
            check(cuMemcpyHtoDAsync(d, p.ptr, 2 * nb, st), "h2d");
            check(cuMemcpyDtoHAsync(p.ptr.withByteOffset(2 * nb), d.withByteOffset(2 * nb),
                nb, st), "d2h");
            check(cuStreamSynchronize(st), "sync");
          });
        } finally {
          p.free();
        }
      }
      return wall(() -> {
        check(cuMemcpyHtoD(d, Pointer.to(a), nb), "h2d");
        check(cuMemcpyHtoD(d.withByteOffset(nb), Pointer.to(b), nb), "h2d");
        check(jcuda.driver.JCudaDriver.cuMemcpyDtoH(Pointer.to(h), d.withByteOffset(2 * nb),
            nb), "d2h");
      });
    } finally {
      free(d);
    }
  }

}
