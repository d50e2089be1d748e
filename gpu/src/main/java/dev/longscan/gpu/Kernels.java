package dev.longscan.gpu;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor;

import dev.longscan.LongscanException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;

/**
 * The kernels of one loaded module and typed launchers for them. Launchers trust their
 * arguments (device pointers of the right sizes, counts that fit); the tile shapes here must equal
 * those compiled into the fatbin, which {@link #Kernels} checks through {@code ls_info}.
 */
final class Kernels {
  static final int LAYOUT_VERSION = 8;
  static final int NT = 256;
  /** Threads per block of the width-1 chunk reduce. */
  static final int LONG_NT = 512;
  /**
   * Threads per block of the width-1 scan: the pipelined persistent kernel (long.cuh scan_long),
   * launched with min(tiles, resident blocks) blocks that take tiles by ticket.
   */
  static final int SCAN_LONG_NT = 256;
  /**
   * Threads per block of the width-1 backward: the pipelined persistent kernel (long.cuh
   * backward_long), launched like the width-1 scan.
   */
  static final int BWD_LONG_NT = 256;
  /** Threads per block of the wide backward kernels. */
  static final int WIDE_BWD_NT = 128;
  static final int FOLD_NT = 1024;
  /** Largest look-back windows (tiles) the kernels accept: width-1 backward, width-1 scan, wide. */
  static final int LONG_MAX_WINDOW = 128;
  static final int SCAN_LONG_MAX_WINDOW = 128;

  /**
   * Largest window of the width-1 scan kernel of a precision: 128 tiles for float32, 64 for
   * float64 (its look-back words for 128 cost registers and a quarter of its speed); larger
   * configured windows are capped to it.
   */
  static int scanMaxWindow(boolean f32) {
    return f32 ? SCAN_LONG_MAX_WINDOW : 64;
  }
  /**
   * Largest window of the width-1 backward kernel of a precision and segmentation: 128 tiles for
   * float32 plain, 64 for float64 and the segmented forms (register-capped or 2 blocks per SM;
   * not timed at 128); larger configured windows are capped to it.
   */
  static int backwardMaxWindow(boolean f32, boolean seg) {
    return f32 && !seg ? LONG_MAX_WINDOW : 64;
  }
  static final int WIDE_MAX_WINDOW = 8;

  private final Map<String, CUfunction> functions = new HashMap<>();
  private final String where;
  /** Tiles the width-1 scan keeps in shared memory per block (2; 1 on devices before sm_80). */
  private int scanStages;
  /** Resident blocks of the width-1 scan kernels on this device, by [f32][rev][seg]. */
  private final int[][][] scanResident = new int[2][2][2];
  /** Resident blocks of the width-1 backward kernels on this device, by [f32][rev][seg]. */
  private final int[][][] backwardResident = new int[2][2][2];

  Kernels(CUmodule module, String where, int multiprocessors) {
    this.where = where;
    for (String n : names()) {
      load(module, n);
    }
    checkLayout();
    // the staged kernels: dynamic shared memory beyond the default 48 KiB, and as much of the
    // unified L1 / shared memory as shared memory, so that the intended blocks fit per SM
    for (Op o : new Op[] {Op.SCAN, Op.BACKWARD}) {
      for (boolean wide : new boolean[] {false, true}) {
        for (boolean f32 : new boolean[] {true, false}) {
          for (boolean rev : new boolean[] {false, true}) {
            for (boolean seg : new boolean[] {false, true}) {
              int bytes = wide ? smem(o, f32, true, seg)
                  : o == Op.SCAN ? scanSmem(f32, seg) : backwardSmem(f32, seg);
              if (bytes == 0) {
                continue;
              }
              String name = name(o == Op.SCAN ? "scan" : "backward", wide, f32, rev, seg);
              CUfunction f = functions.get(name);
              Cuda.check(cuFuncSetAttribute(f,
                  CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
                  "cuFuncSetAttribute(" + name + ", max dynamic shared memory " + bytes + " B) "
                      + where);
              Cuda.check(cuFuncSetAttribute(f,
                  CUfunction_attribute.CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT, 100),
                  "cuFuncSetAttribute(" + name + ", shared memory carveout) " + where);
            }
          }
        }
      }
    }
    for (int p = 0; p < 2; p++) {
      for (int r = 0; r < 2; r++) {
        for (int g = 0; g < 2; g++) {
          scanResident[p][r][g] = resident(name("scan", false, p == 0, r == 1, g == 1),
              SCAN_LONG_NT, scanSmem(p == 0, g == 1), multiprocessors);
          backwardResident[p][r][g] = resident(name("backward", false, p == 0, r == 1, g == 1),
              BWD_LONG_NT, backwardSmem(p == 0, g == 1), multiprocessors);
        }
      }
    }
  }

  /**
   * The entry points this class loads from the fatbin, by name: ls_{scan,reduce,backward}_
   * {long,wide}_{f32,f64}_{fwd,rev}_{plain,seg} and the small kernels around them. The build
   * records the fatbin's entry points in longscan.fatbin.properties ({@code kernels=}), and
   * FatbinResourceTest checks that they are these.
   */
  static List<String> names() {
    List<String> names = new ArrayList<>();
    for (String op : new String[] {"scan", "reduce", "backward"}) {
      for (String shape : new String[] {"long", "wide"}) {
        for (String p : new String[] {"f32", "f64"}) {
          for (String d : new String[] {"fwd", "rev"}) {
            for (String s : new String[] {"plain", "seg"}) {
              names.add("ls_" + op + "_" + shape + "_" + p + "_" + d + "_" + s);
            }
          }
        }
      }
    }
    names.addAll(List.of("ls_fold_long", "ls_fold_wide", "ls_sum_long", "ls_sum_wide",
        "ls_summary_init", "ls_copy16", "ls_fill_f32", "ls_fill_f64", "ls_info"));
    return names;
  }

  /** Blocks of a persistent width-1 kernel that fit on the device at once (its grid). */
  private int resident(String name, int threads, int smem, int multiprocessors) {
    int[] nb = new int[1];
    Cuda.check(cuOccupancyMaxActiveBlocksPerMultiprocessor(nb, functions.get(name), threads,
        smem), "cuOccupancyMaxActiveBlocksPerMultiprocessor(" + name + ") " + where);
    if (nb[0] < 1) {
      throw new LongscanException("expected at least one resident block of " + name + " ("
          + threads + " threads, " + smem + " B of shared memory) " + where + ", found 0");
    }
    return nb[0] * Math.max(1, multiprocessors);
  }

  private void load(CUmodule module, String name) {
    CUfunction f = new CUfunction();
    Cuda.check(cuModuleGetFunction(f, module, name), "cuModuleGetFunction(" + name + ") " + where);
    functions.put(name, f);
  }

  private void checkLayout() {
    CUdeviceptr p = new CUdeviceptr();
    Cuda.check(cuMemAlloc(p, 256), "cuMemAlloc(256 B) " + where);
    try {
      launch("ls_info", 1, 1, null, p);
      int[] info = new int[35];
      Cuda.check(cuMemcpyDtoH(Pointer.to(info), p, 4 * info.length), "reading ls_info " + where);
      // the width-1 scan's and backward's stages depend on the device's architecture (see
      // long.cuh ScanLong, BwdLong): one before sm_80, two from it on
      if (info[28] != 1 && info[28] != 2) {
        throw new LongscanException("expected the fatbin's width-1 kernels " + where + " to keep 1"
            + " or 2 tiles staged (ls_info slot 28), found " + info[28] + ": the fatbin and the"
            + " Java classes come from different builds");
      }
      scanStages = info[28];
      int[] expected = {LAYOUT_VERSION, rows(Op.SCAN, true, false), rows(Op.SCAN, false, false),
          rows(Op.BACKWARD, true, false), rows(Op.BACKWARD, false, false),
          rows(Op.SCAN, true, true), rows(Op.SCAN, false, true), rows(Op.BACKWARD, true, true),
          rows(Op.BACKWARD, false, true), NT, FOLD_NT, LONG_NT, LONG_MAX_WINDOW,
          WIDE_MAX_WINDOW, wideLanes(true), wideLanes(false), rows(Op.REDUCE, true, false),
          rows(Op.REDUCE, false, false), rows(Op.REDUCE, true, true),
          rows(Op.REDUCE, false, true), WIDE_BWD_NT, scanSmem(true, false),
          scanSmem(false, false), backwardSmem(true, false), backwardSmem(false, false),
          smem(Op.BACKWARD, true, true, false), smem(Op.BACKWARD, false, true, false),
          scanMaxWindow(true), scanStages, SCAN_LONG_NT, scanMaxWindow(false), BWD_LONG_NT,
          backwardMaxWindow(true, true), backwardMaxWindow(false, false),
          backwardMaxWindow(false, true)};
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

  /** The three kinds of tiled launch; each has its own tile shape. */
  enum Op { SCAN, REDUCE, BACKWARD }

  /** Steps per tile: width 1, threads × items per thread; wide, warps × steps per warp. */
  static int rows(Op op, boolean f32, boolean wide) {
    if (!wide) {
      int it = f32 ? 16 : 8;
      return op == Op.BACKWARD ? BWD_LONG_NT * it : op == Op.SCAN ? SCAN_LONG_NT * it
          : LONG_NT * it;
    }
    return op == Op.BACKWARD ? (WIDE_BWD_NT / 32) * 8 : 8 * 16;
  }

  /**
   * Dynamic shared memory (bytes) of a launch of fixed size; 0 for kernels that use none or whose
   * size depends on the device (the width-1 scan and backward: {@link #scanSmem}, {@link
   * #backwardSmem}). The wide backward keeps a, h and g of its tile in shared memory (8 bytes per
   * lane and row).
   */
  static int smem(Op op, boolean f32, boolean wide, boolean seg) {
    if (wide && op == Op.BACKWARD) {
      return 3 * rows(op, f32, true) * 32 * 8;
    }
    return 0;
  }

  /**
   * Dynamic shared memory (bytes) of the width-1 scan: per stage, a and b of the tile in 16-byte
   * units with one padding unit after every 8, plus one flag byte per step when segmented.
   */
  /**
   * A look-back window must be at least one tile: with none, a tile would wait for its own prefix
   * and the launch would never finish (the configuration checks its windows; this guards every
   * other caller).
   */
  private int checkWindow(int window) {
    if (window < 1) {
      throw new LongscanException("expected a look-back window of at least 1 tile " + where
          + ", found " + window);
    }
    return window;
  }

  int scanSmem(boolean f32, boolean seg) {
    int tile = rows(Op.SCAN, f32, false);
    int units = tile * (f32 ? 4 : 8) / 16;
    return scanStages * (2 * (units + units / 8) * 16 + (seg ? tile : 0));
  }

  /**
   * Dynamic shared memory (bytes) of the width-1 backward: per stage, a and g of the tile in
   * 16-byte units with one padding unit after every 8, one flag byte per step when segmented, and
   * the value of a outside each warp (rounded up to 16 bytes).
   */
  int backwardSmem(boolean f32, boolean seg) {
    int eb = f32 ? 4 : 8;
    int tile = rows(Op.BACKWARD, f32, false);
    int units = tile * eb / 16;
    int outside = ((BWD_LONG_NT / 32) * eb + 15) / 16 * 16;
    return scanStages * (2 * (units + units / 8) * 16 + (seg ? tile : 0) + outside);
  }

  /** Channels per lane in the wide kernels (a group of tiles spans 32 × this many channels). */
  static int wideLanes(boolean f32) {
    return f32 ? 2 : 1;
  }

  static long ceilDiv(long x, long y) {
    return (x + y - 1) / y;
  }

  /** Tiles of a launch over n steps of the given width. */
  static long tiles(Op op, boolean f32, long n, long width) {
    long t = timeTiles(op, f32, n, width);
    return width == 1 ? t : t * ceilDiv(width, 32L * wideLanes(f32));
  }

  /** Time tiles (positions of per-tile partial results) of a launch. */
  static long timeTiles(Op op, boolean f32, long n, long width) {
    return ceilDiv(n, rows(op, f32, width > 1));
  }

  /** Status slots (or partial results) of a launch: time tiles × width. */
  static long slots(Op op, boolean f32, long n, long width) {
    return timeTiles(op, f32, n, width) * width;
  }

  /**
   * The look-back scratch of a sequence of launches on one stream: a 256-byte header holding the
   * ticket counter, then three arrays of {@code slots} status words (8 bytes for float32, 16 for
   * float64). It is zeroed once ({@link #zero}); each launch then uses the next epoch and the
   * next range of tickets, so no launch needs it cleared again.
   */
  static final class Status {
    final CUdeviceptr base;
    final long slots;
    final long bytes;
    private long epoch;
    private long tickets;

    Status(CUdeviceptr base, long slots, boolean f32) {
      this.base = base;
      this.slots = Math.max(slots, 1);
      this.bytes = bytes(slots, f32);
    }

    static long bytes(long slots, boolean f32) {
      return 256 + 3 * Math.max(slots, 1) * (f32 ? 8 : 16);
    }
  }

  /** Zeroes a status area (on the stream) and restarts its epochs and tickets. */
  void zero(CUstream st, Status s) {
    Cuda.check(cuMemsetD8Async(s.base, (byte) 0, s.bytes, st), "cuMemsetD8Async(tile status) "
        + where);
    s.epoch = 0;
    s.tickets = 0;
  }

  private static void checkCapacity(Status s, long slots) {
    if (slots > s.slots) {
      throw new IllegalStateException("status for " + s.slots + " slots, launch needs " + slots);
    }
  }

  private static String name(String op, boolean wide, boolean f32, boolean rev, boolean seg) {
    return "ls_" + op + "_" + (wide ? "wide" : "long") + "_" + (f32 ? "f32" : "f64") + "_"
        + (rev ? "rev" : "fwd") + "_" + (seg ? "seg" : "plain");
  }

  /** Scan (chunk apply) of n steps from carryIn (width values, float64) into out. */
  void scan(CUstream st, boolean f32, boolean rev, boolean seg, CUdeviceptr a, CUdeviceptr b,
      CUdeviceptr restarts, CUdeviceptr out, long n, long width, CUdeviceptr carryIn,
      CUdeviceptr carryOut, double h0Scalar, CUdeviceptr h0, Status s, int window) {
    boolean wide = width > 1;
    long tiles = tiles(Op.SCAN, f32, n, width);
    checkCapacity(s, slots(Op.SCAN, f32, n, width));
    long epoch = ++s.epoch;
    long base = s.tickets;
    String f = name("scan", wide, f32, rev, seg);
    if (!wide) {
      // persistent: every block takes one ticket past the last tile before it stops
      int grid = grid(Math.min(tiles, scanResident[f32 ? 0 : 1][rev ? 1 : 0][seg ? 1 : 0]));
      s.tickets += tiles + grid;
      launchSmem(f, grid, SCAN_LONG_NT, scanSmem(f32, seg), st, a, b, restarts, out, n, carryIn,
          carryOut, h0Scalar, s.base, s.slots, base, epoch,
          Math.min(checkWindow(window), scanMaxWindow(f32)));
    } else {
      int grid = grid(tiles);
      s.tickets += tiles;
      launch(f, grid, NT, st, a, b, restarts, out, n, width, carryIn, carryOut, h0, s.base,
          s.slots, base, epoch, Math.min(checkWindow(window), WIDE_MAX_WINDOW));
    }
  }

  /** Chunk reduce phase 1: per-time-tile summaries (float64) into parts. */
  void reduce(CUstream st, boolean f32, boolean rev, boolean seg, CUdeviceptr a, CUdeviceptr b,
      CUdeviceptr restarts, long n, long width, double h0Scalar, CUdeviceptr h0,
      CUdeviceptr partA, CUdeviceptr partB, CUdeviceptr partF) {
    if (width == 1) {
      launch(name("reduce", false, f32, rev, seg), grid(tiles(Op.REDUCE, f32, n, 1)), LONG_NT, st,
          a, b, restarts, n, h0Scalar, partA, partB, partF);
    } else {
      launch(name("reduce", true, f32, rev, seg), grid(tiles(Op.REDUCE, f32, n, width)), NT, st,
          a, b, restarts, n, width, h0, partA, partB, partF);
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
    boolean wide = width > 1;
    long tiles = tiles(Op.BACKWARD, f32, n, width);
    checkCapacity(s, slots(Op.BACKWARD, f32, n, width));
    long epoch = ++s.epoch;
    long base = s.tickets;
    String f = name("backward", wide, f32, rev, seg);
    if (!wide) {
      // persistent: every block takes one ticket past the last tile before it stops
      int grid = grid(Math.min(tiles, backwardResident[f32 ? 0 : 1][rev ? 1 : 0][seg ? 1 : 0]));
      s.tickets += tiles + grid;
      launchSmem(f, grid, BWD_LONG_NT, backwardSmem(f32, seg), st, a, h, g, flags, ga, gb, n,
          first, last, aNextScalar, hPrevScalar, h0Scalar, carryIn, carryOut, g0Parts, s.base,
          s.slots, base, epoch, Math.min(checkWindow(window), backwardMaxWindow(f32, seg)));
    } else {
      int grid = grid(tiles);
      s.tickets += tiles;
      launchSmem(f, grid, WIDE_BWD_NT, smem(Op.BACKWARD, f32, true, seg), st, a, h, g, flags, ga,
          gb, n, width, first, last, aNext, hPrev, h0, carryIn, carryOut, g0Parts, s.base,
          s.slots, base, epoch, Math.min(checkWindow(window), WIDE_MAX_WINDOW));
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
    launchSmem(name, blocks, threads, 0, st, args);
  }

  /** {@link #launch} with {@code smem} bytes of dynamic shared memory. */
  void launchSmem(String name, int blocks, int threads, int smem, CUstream st, Object... args) {
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
    Cuda.check(cuLaunchKernel(f, blocks, 1, 1, threads, 1, 1, smem, st, Pointer.to(params), null),
        "cuLaunchKernel(" + name + ", " + blocks + " blocks) " + where);
  }
}
