package dev.longscan.gpu;

import dev.longscan.LongscanException;
import dev.longscan.Precision;
import dev.longscan.Sequence;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * Copies between Java arrays and pinned staging buffers. One thread copies at memory speed for
 * one core, several times slower than a PCIe 5 link, so large copies are split across a small
 * shared pool of daemon threads (the caller waits; results do not depend on the split).
 */
final class HostCopy {
  private HostCopy() {}

  /** Copies of at least this many bytes per part are worth splitting. */
  private static final long PART_BYTES = 1L << 20;

  static final String THREADS_PROPERTY = "longscan.gpu.copyThreads";

  /**
   * Copy threads ({@value #THREADS_PROPERTY}; default: one per available processor, at most 32).
   * Measured on the benchmark machine: one thread moves about 6 GB/s from a float[] into pinned
   * memory, sixteen about 34 GB/s (docs/benchmarks.md). Read once; a value that is not an integer
   * of at least 1 is rejected when a GPU backend is created ({@link #threads}), and copies then run
   * on the calling thread.
   */
  static final int THREADS = threadsOrZero(System.getProperty(THREADS_PROPERTY));

  private static int threadsOrZero(String v) {
    try {
      return threads(v);
    } catch (LongscanException e) {
      return 0;
    }
  }

  /** The copy thread count for a value of {@value #THREADS_PROPERTY} (null: the default). */
  static int threads(String v) {
    if (v == null) {
      return Math.min(32, Runtime.getRuntime().availableProcessors());
    }
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1) {
      throw new LongscanException("expected the system property " + THREADS_PROPERTY
          + " to be an integer of at least 1, found '" + v + "'");
    }
    return n;
  }

  private static final ForkJoinPool POOL = THREADS > 1
      ? new ForkJoinPool(THREADS, pool -> {
        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setDaemon(true);
        t.setName("longscan-gpu-copy-" + t.getPoolIndex());
        return t;
      }, null, false)
      : null;

  interface Part {
    void copy(int from, int to);
  }

  /** Runs part(from, to) over [0, n) elements of elementBytes each, split when large. */
  static void split(long n, int elementBytes, Part part) {
    long bytes = n * elementBytes;
    int parts = POOL == null ? 1 : (int) Math.min(THREADS, bytes / PART_BYTES);
    if (parts <= 1) {
      part.copy(0, (int) n);
      return;
    }
    List<Callable<Void>> tasks = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      int from = (int) (n * i / parts);
      int to = (int) (n * (i + 1) / parts);
      tasks.add(() -> {
        part.copy(from, to);
        return null;
      });
    }
    List<Future<Void>> fs = POOL.invokeAll(tasks);
    for (Future<Void> f : fs) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LongscanException("interrupted while staging data for the GPU", e);
      } catch (ExecutionException e) {
        throw new LongscanException("staging data for the GPU failed", e.getCause());
      }
    }
  }

  /** Rows [lo, hi) of s into dst (position 0 = row lo). */
  static void toBuffer(Sequence s, int lo, int hi, ByteBuffer dst) {
    int w = s.width();
    int base = s.offset() + lo * w;
    long n = (long) (hi - lo) * w;
    if (s.precision() == Precision.FLOAT32) {
      float[] src = s.floatArray();
      split(n, 4, (from, to) -> {
        ByteBuffer d = dst.duplicate().order(ByteOrder.nativeOrder());
        d.position(from * 4);
        d.asFloatBuffer().put(src, base + from, to - from);
      });
    } else {
      double[] src = s.doubleArray();
      split(n, 8, (from, to) -> {
        ByteBuffer d = dst.duplicate().order(ByteOrder.nativeOrder());
        d.position(from * 8);
        d.asDoubleBuffer().put(src, base + from, to - from);
      });
    }
  }

  /** src (position 0 = row lo) into rows [lo, hi) of s. */
  static void fromBuffer(ByteBuffer src, Sequence s, int lo, int hi) {
    int w = s.width();
    int base = s.offset() + lo * w;
    long n = (long) (hi - lo) * w;
    if (s.precision() == Precision.FLOAT32) {
      float[] dst = s.floatArray();
      split(n, 4, (from, to) -> {
        ByteBuffer d = src.duplicate().order(ByteOrder.nativeOrder());
        d.position(from * 4);
        d.asFloatBuffer().get(dst, base + from, to - from);
      });
    } else {
      double[] dst = s.doubleArray();
      split(n, 8, (from, to) -> {
        ByteBuffer d = src.duplicate().order(ByteOrder.nativeOrder());
        d.position(from * 8);
        d.asDoubleBuffer().get(dst, base + from, to - from);
      });
    }
  }
}
