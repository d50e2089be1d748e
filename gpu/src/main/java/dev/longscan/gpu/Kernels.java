package dev.longscan.gpu;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;

import dev.longscan.LongscanException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;

/**
 * The kernels of one loaded module and typed launchers for them. Launchers trust their
 * arguments (device pointers of the right sizes, counts that fit); the tile shapes here must equal
 * those compiled into the fatbin, which {@link #Kernels} checks through {@code ls_info}.
 */
final class Kernels {
  static final int LAYOUT_VERSION = 1;
  static final int NT = 256;
  static final int FOLD_NT = 1024;

  /** Every launch in this JVM (tests check that rejected calls launch nothing). */
  static final AtomicLong LAUNCHES = new AtomicLong();

  private final Map<String, CUfunction> functions = new HashMap<>();
  private final String where;

  Kernels(CUmodule module, String where) {
    this.where = where;
    for (String op : new String[] {"scan", "reduce", "backward"}) {
      for (String shape : new String[] {"long", "wide"}) {
        for (String p : new String[] {"f32", "f64"}) {
          for (String d : new String[] {"fwd", "rev"}) {
            for (String s : new String[] {"plain", "seg"}) {
              load(module, "ls_" + op + "_" + shape + "_" + p + "_" + d + "_" + s);
            }
          }
        }
      }
    }
    for (String n : new String[] {"ls_fold_long", "ls_fold_wide", "ls_sum_long", "ls_sum_wide",
        "ls_summary_init", "ls_copy16", "ls_fill_f32", "ls_fill_f64", "ls_info"}) {
      load(module, n);
    }
    checkLayout();
  }

  private void load(CUmodule module, String name) {
    CUfunction f = new CUfunction();
    Cuda.check(cuModuleGetFunction(f, module, name), "cuModuleGetFunction(" + name + ") " + where);
    functions.put(name, f);
  }

  private void checkLayout() {
    CUdeviceptr p = new CUdeviceptr();
    Cuda.check(cuMemAlloc(p, 64), "cuMemAlloc(64 B) " + where);
    try {
      launch("ls_info", 1, 1, null, p);
      int[] info = new int[11];
      Cuda.check(cuMemcpyDtoH(Pointer.to(info), p, 44), "reading ls_info " + where);
      int[] expected = {LAYOUT_VERSION, longTile(true), longTile(false), longBackwardTile(true),
          longBackwardTile(false), wideRows(true), wideRows(false), wideBackwardRows(true),
          wideBackwardRows(false), NT, FOLD_NT};
      if (!java.util.Arrays.equals(info, expected)) {
        throw new LongscanException("expected kernel layout " + java.util.Arrays.toString(expected)
            + " in the fatbin " + where + ", found " + java.util.Arrays.toString(info)
            + ": the fatbin and the Java classes come from different builds");
      }
    } finally {
      cuMemFree(p);
    }
  }

  // ---- tile shapes (see long.cuh / wide.cuh)

  static int longTile(boolean f32) {
    return f32 ? 256 * 16 : 256 * 8;
  }

  static int longBackwardTile(boolean f32) {
    return f32 ? 256 * 16 : 256 * 8;
  }

  static int wideRows(boolean f32) {
    return f32 ? 8 * 16 : 8 * 8;
  }

  static int wideBackwardRows(boolean f32) {
    return f32 ? 8 * 16 : 8 * 8;
  }

  static long ceilDiv(long x, long y) {
    return (x + y - 1) / y;
  }

  /** Tiles of a scan or reduce launch over n steps of the given width. */
  static long scanTiles(boolean f32, long n, long width) {
    return width == 1 ? ceilDiv(n, longTile(f32))
        : ceilDiv(n, wideRows(f32)) * ceilDiv(width, 32);
  }

  static long backwardTiles(boolean f32, long n, long width) {
    return width == 1 ? ceilDiv(n, longBackwardTile(f32))
        : ceilDiv(n, wideBackwardRows(f32)) * ceilDiv(width, 32);
  }

  /** Time tiles (positions of per-tile partial results) of a launch. */
  static long timeTiles(boolean f32, boolean backward, long n, long width) {
    if (width == 1) {
      return ceilDiv(n, backward ? longBackwardTile(f32) : longTile(f32));
    }
    return ceilDiv(n, backward ? wideBackwardRows(f32) : wideRows(f32));
  }

  /** The look-back scratch of one launch: flags (tiles + 1 ints, the last the ticket), values. */
  static final class Status {
    final CUdeviceptr flags;
    final CUdeviceptr aggA;
    final CUdeviceptr aggB;
    final CUdeviceptr pre;

    Status(CUdeviceptr flags, CUdeviceptr aggA, CUdeviceptr aggB, CUdeviceptr pre) {
      this.flags = flags;
      this.aggA = aggA;
      this.aggB = aggB;
      this.pre = pre;
    }

    /** Bytes for {@code tiles} tiles of which each holds {@code valuesPerTile} values. */
    static long flagBytes(long tiles) {
      return (tiles + 1) * 4;
    }
  }

  private static String name(String op, boolean wide, boolean f32, boolean rev, boolean seg) {
    return "ls_" + op + "_" + (wide ? "wide" : "long") + "_" + (f32 ? "f32" : "f64") + "_"
        + (rev ? "rev" : "fwd") + "_" + (seg ? "seg" : "plain");
  }

  private void resetStatus(CUstream st, Status s, long tiles) {
    Cuda.check(cuMemsetD32Async(s.flags, 0, tiles + 1, st), "cuMemsetD32Async(tile status) "
        + where);
  }

  private static CUdeviceptr ticket(Status s, long tiles) {
    return s.flags.withByteOffset(tiles * 4);
  }

  /** Scan (chunk apply) of n steps from carryIn (width values, float64) into out. */
  void scan(CUstream st, boolean f32, boolean rev, boolean seg, CUdeviceptr a, CUdeviceptr b,
      CUdeviceptr restarts, CUdeviceptr out, long n, long width, CUdeviceptr carryIn,
      CUdeviceptr carryOut, double h0Scalar, CUdeviceptr h0, Status s, int window) {
    boolean wide = width > 1;
    long tiles = scanTiles(f32, n, width);
    resetStatus(st, s, tiles);
    if (!wide) {
      launch(name("scan", false, f32, rev, seg), grid(tiles), NT, st, a, b, restarts, out, n,
          carryIn, carryOut, h0Scalar, s.flags, s.aggA, s.aggB, s.pre, ticket(s, tiles), window);
    } else {
      launch(name("scan", true, f32, rev, seg), grid(tiles), NT, st, a, b, restarts, out, n,
          width, carryIn, carryOut, h0, s.flags, s.aggA, s.aggB, s.pre, ticket(s, tiles), window);
    }
  }

  /** Chunk reduce phase 1: per-time-tile summaries (float64) into parts. */
  void reduce(CUstream st, boolean f32, boolean rev, boolean seg, CUdeviceptr a, CUdeviceptr b,
      CUdeviceptr restarts, long n, long width, double h0Scalar, CUdeviceptr h0,
      CUdeviceptr partA, CUdeviceptr partB, CUdeviceptr partF) {
    if (width == 1) {
      launch(name("reduce", false, f32, rev, seg), grid(scanTiles(f32, n, 1)), NT, st, a, b,
          restarts, n, h0Scalar, partA, partB, partF);
    } else {
      launch(name("reduce", true, f32, rev, seg), grid(scanTiles(f32, n, width)), NT, st, a, b,
          restarts, n, width, h0, partA, partB, partF);
    }
  }

  /** run = run ▷ parts[0] ▷ … ▷ parts[count - 1] per channel. */
  void fold(CUstream st, long width, CUdeviceptr partA, CUdeviceptr partB, CUdeviceptr partF,
      long count, CUdeviceptr runA, CUdeviceptr runB, CUdeviceptr runF) {
    if (width == 1) {
      launch("ls_fold_long", 1, FOLD_NT, st, partA, partB, partF, count, runA, runB, runF);
    } else {
      launch("ls_fold_wide", grid(ceilDiv(width, NT)), NT, st, partA, partB, partF, count, width,
          runA, runB, runF);
    }
  }

  /** The identity summary in each channel. */
  void summaryInit(CUstream st, long width, CUdeviceptr runA, CUdeviceptr runB,
      CUdeviceptr runF) {
    launch("ls_summary_init", grid(ceilDiv(width, NT)), NT, st, runA, runB, runF, width);
  }

  /** Backward over n steps (see long.cuh for the arguments). */
  void backward(CUstream st, boolean f32, boolean rev, boolean seg, CUdeviceptr a, CUdeviceptr h,
      CUdeviceptr g, CUdeviceptr flags, CUdeviceptr ga, CUdeviceptr gb, long n, long width,
      long first, long last, double aNextScalar, double hPrevScalar, double h0Scalar,
      CUdeviceptr aNext, CUdeviceptr hPrev, CUdeviceptr h0, CUdeviceptr carryIn,
      CUdeviceptr carryOut, CUdeviceptr g0Parts, Status s, int window) {
    long tiles = backwardTiles(f32, n, width);
    resetStatus(st, s, tiles);
    if (width == 1) {
      launch(name("backward", false, f32, rev, seg), grid(tiles), NT, st, a, h, g, flags, ga, gb,
          n, first, last, aNextScalar, hPrevScalar, h0Scalar, carryIn, carryOut, g0Parts,
          s.flags, s.aggA, s.aggB, s.pre, ticket(s, tiles), window);
    } else {
      launch(name("backward", true, f32, rev, seg), grid(tiles), NT, st, a, h, g, flags, ga, gb,
          n, width, first, last, aNext, hPrev, h0, carryIn, carryOut, g0Parts, s.flags, s.aggA,
          s.aggB, s.pre, ticket(s, tiles), window);
    }
  }

  /** run[c] += Σ parts[p][c] over p in order. */
  void sum(CUstream st, long width, CUdeviceptr parts, long count, CUdeviceptr run) {
    if (width == 1) {
      launch("ls_sum_long", 1, FOLD_NT, st, parts, count, run);
    } else {
      launch("ls_sum_wide", grid(ceilDiv(width, NT)), NT, st, parts, count, width, run);
    }
  }

  /** dst = src for {@code bytes} bytes (a multiple of 16), grid-stride. */
  void copy16(CUstream st, CUdeviceptr src, CUdeviceptr dst, long bytes, int blocks) {
    launch("ls_copy16", blocks, NT, st, src, dst, bytes / 16);
  }

  /** Uniform values in [lo, hi), negated with probability 1/2 when {@code signed}. */
  void fill(CUstream st, boolean f32, CUdeviceptr p, long n, long seed, double lo, double hi,
      boolean signed, int blocks) {
    launch(f32 ? "ls_fill_f32" : "ls_fill_f64", blocks, NT, st, p, n, seed, lo, hi,
        signed ? 1 : 0);
  }

  private int grid(long blocks) {
    if (blocks < 1 || blocks > Integer.MAX_VALUE) {
      throw new LongscanException("expected a grid of 1 to " + Integer.MAX_VALUE
          + " blocks " + where + ", found " + blocks);
    }
    return (int) blocks;
  }

  /** Launches {@code name} with arguments: CUdeviceptr (null = NULL), Long, Integer, Double. */
  void launch(String name, int blocks, int threads, CUstream st, Object... args) {
    CUfunction f = functions.get(name);
    if (f == null) {
      throw new IllegalStateException("no kernel " + name);
    }
    Pointer[] params = new Pointer[args.length];
    for (int i = 0; i < args.length; i++) {
      Object x = args[i];
      if (x == null) {
        params[i] = Pointer.to(new CUdeviceptr());
      } else if (x instanceof CUdeviceptr) {
        params[i] = Pointer.to((CUdeviceptr) x);
      } else if (x instanceof Long) {
        params[i] = Pointer.to(new long[] {(Long) x});
      } else if (x instanceof Integer) {
        params[i] = Pointer.to(new int[] {(Integer) x});
      } else if (x instanceof Double) {
        params[i] = Pointer.to(new double[] {(Double) x});
      } else {
        throw new IllegalArgumentException("kernel argument of type " + x.getClass());
      }
    }
    LAUNCHES.incrementAndGet();
    Cuda.check(cuLaunchKernel(f, blocks, 1, 1, threads, 1, 1, 0, st, Pointer.to(params), null),
        "cuLaunchKernel(" + name + ", " + blocks + " blocks) " + where);
  }
}
