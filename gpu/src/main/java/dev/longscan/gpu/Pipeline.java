package dev.longscan.gpu;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;

import dev.longscan.Precision;
import dev.longscan.Sequence;
import java.nio.ByteBuffer;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/**
 * Streams host data through the device in chunks of whole steps, in a given order, with two
 * slots of device and staging buffers so that chunk j's copies overlap chunk j±1's kernels:
 *
 * <pre>
 *   host thread   stage j (Java → pinned)       | unstage j-1 (pinned → Java)
 *   copy-in       H→D j  (after kernel j-2 freed the slot)
 *   compute       kernel j (after H→D j and D→H j-2)      — chunks carry state on the device
 *   copy-out      D→H j  (after kernel j)
 * </pre>
 *
 * The state a chunk hands to the next (carry, running summary) stays on the device and is
 * ordered by the compute stream. With {@code pinned = false} the host arrays are copied directly
 * (pageable memory: the driver stages them itself, synchronously), for comparison.
 */
final class Pipeline {
  private Pipeline() {}

  /** One region of a slot's input or output area. */
  interface Region {
    /** Bytes for a chunk of {@code rows} steps. */
    long bytes(int rows);

    /** Writes steps [lo, hi) into dst (pinned memory, position 0 = start of the region). */
    void stage(ByteBuffer dst, int lo, int hi);

    /** Copies steps [lo, hi) to the device synchronously from pageable memory. */
    void upload(CUdeviceptr dst, int lo, int hi, String where);

    /** Reads steps [lo, hi) back from src (outputs only). */
    default void unstage(ByteBuffer src, int lo, int hi) {
      throw new UnsupportedOperationException();
    }

    default void download(CUdeviceptr src, int lo, int hi, String where) {
      throw new UnsupportedOperationException();
    }
  }

  /** Enqueues the work of chunk {@code index} (steps [lo, hi)) on the lane's compute stream. */
  interface Step {
    void enqueue(int index, int lo, int hi, CUdeviceptr[] in, CUdeviceptr[] out);
  }

  /** A sequence's steps, as a region. */
  static Region of(Sequence s) {
    return new SequenceRegion(s);
  }

  static final class SequenceRegion implements Region {
    final Sequence s;
    final int eb;

    SequenceRegion(Sequence s) {
      this.s = s;
      this.eb = s.precision() == Precision.FLOAT32 ? 4 : 8;
    }

    @Override
    public long bytes(int rows) {
      return (long) rows * s.width() * eb;
    }

    @Override
    public void stage(ByteBuffer dst, int lo, int hi) {
      HostCopy.toBuffer(s, lo, hi, dst);
    }

    private Pointer host(int lo) {
      long off = ((long) s.offset() + (long) lo * s.width()) * eb;
      Pointer p = s.precision() == Precision.FLOAT32 ? Pointer.to(s.floatArray())
          : Pointer.to(s.doubleArray());
      return p.withByteOffset(off);
    }

    @Override
    public void upload(CUdeviceptr dst, int lo, int hi, String where) {
      Cuda.check(cuMemcpyHtoD(dst, host(lo), bytes(hi - lo)), "cuMemcpyHtoD (pageable) " + where);
    }

    @Override
    public void unstage(ByteBuffer src, int lo, int hi) {
      HostCopy.fromBuffer(src, s, lo, hi);
    }

    @Override
    public void download(CUdeviceptr src, int lo, int hi, String where) {
      Cuda.check(cuMemcpyDtoH(host(lo), src, bytes(hi - lo)), "cuMemcpyDtoH (pageable) " + where);
    }
  }

  /** A region computed per chunk into a byte array (flags, halo rows), then copied. */
  abstract static class ComputedRegion implements Region {
    abstract void fill(ByteBuffer dst, int lo, int hi);

    @Override
    public void stage(ByteBuffer dst, int lo, int hi) {
      fill(dst, lo, hi);
    }

    @Override
    public void upload(CUdeviceptr dst, int lo, int hi, String where) {
      long n = bytes(hi - lo);
      ByteBuffer tmp = ByteBuffer.allocate((int) n).order(java.nio.ByteOrder.nativeOrder());
      fill(tmp, lo, hi);
      Cuda.check(cuMemcpyHtoD(dst, Pointer.to(tmp.array()), n), "cuMemcpyHtoD (pageable) "
          + where);
    }
  }

  static final long ALIGN = 256;

  static long align(long x) {
    return (x + ALIGN - 1) / ALIGN * ALIGN;
  }

  /** Offsets of the regions in a slot for chunks of up to {@code rows} steps; [n] = total. */
  static long[] layout(List<Region> regions, int rows) {
    long[] off = new long[regions.size() + 1];
    for (int i = 0; i < regions.size(); i++) {
      off[i + 1] = off[i] + align(regions.get(i).bytes(rows));
    }
    return off;
  }

  /** The bounds [lo, hi) of chunk j of n steps in chunks of {@code rows}, in the given order. */
  static int[] bounds(int j, int n, int rows, boolean descending) {
    if (!descending) {
      int lo = j * rows;
      return new int[] {lo, Math.min(n, lo + rows)};
    }
    int hi = n - j * rows;
    return new int[] {Math.max(0, hi - rows), hi};
  }

  static int chunks(int n, int rows) {
    return (n + rows - 1) / rows;
  }

  /**
   * Streams n steps through {@code step}. Device buffers come from the call (two slots); the
   * lane provides streams, events and pinned buffers.
   */
  static void run(Call call, boolean pinned, List<Region> ins, List<Region> outs, int n,
      int rows, boolean descending, Step step) {
    Lane lane = call.lane;
    String where = call.where;
    long[] inOff = layout(ins, rows);
    long[] outOff = layout(outs, rows);
    boolean hasOut = !outs.isEmpty();
    CUdeviceptr[][] din = new CUdeviceptr[2][ins.size()];
    CUdeviceptr[][] dout = new CUdeviceptr[2][outs.size()];
    int nChunks = chunks(n, rows);
    for (int s = 0; s < Math.min(2, nChunks); s++) {
      CUdeviceptr inBase = call.alloc(Math.max(inOff[ins.size()], ALIGN));
      for (int i = 0; i < ins.size(); i++) {
        din[s][i] = inBase.withByteOffset(inOff[i]);
      }
      if (hasOut) {
        CUdeviceptr outBase = call.alloc(outOff[outs.size()]);
        for (int i = 0; i < outs.size(); i++) {
          dout[s][i] = outBase.withByteOffset(outOff[i]);
        }
      }
    }
    if (pinned) {
      runPinned(lane, where, ins, outs, inOff, outOff, din, dout, n, rows, descending, step);
    } else {
      runPageable(lane, where, ins, outs, din, dout, n, rows, descending, step);
    }
  }

  private static void runPinned(Lane lane, String where, List<Region> ins, List<Region> outs,
      long[] inOff, long[] outOff, CUdeviceptr[][] din, CUdeviceptr[][] dout, int n, int rows,
      boolean descending, Step step) {
    int nChunks = chunks(n, rows);
    boolean hasOut = !outs.isEmpty();
    int[] prev = null;
    for (int j = 0; j < nChunks; j++) {
      int s = j & 1;
      int[] lh = bounds(j, n, rows, descending);
      int lo = lh[0];
      int hi = lh[1];
      if (j >= 2) {
        Lane.sync(lane.copiedIn[s], where);  // the staging buffer's last copy has left
      }
      Pinned pin = lane.pinnedIn(s, inOff[ins.size()]);
      for (int i = 0; i < ins.size(); i++) {
        ins.get(i).stage(pin.slice(inOff[i], ins.get(i).bytes(hi - lo)), lo, hi);
      }
      if (j >= 2) {
        Lane.await(lane.in, lane.computed[s], where);  // kernel j-2 is done with the slot
      }
      for (int i = 0; i < ins.size(); i++) {
        long nb = ins.get(i).bytes(hi - lo);
        if (nb > 0) {
          Cuda.check(cuMemcpyHtoDAsync(din[s][i], pin.ptr.withByteOffset(inOff[i]), nb, lane.in),
              "cuMemcpyHtoDAsync " + where);
        }
      }
      Lane.record(lane.copiedIn[s], lane.in, where);
      Lane.await(lane.compute, lane.copiedIn[s], where);
      if (j >= 2 && hasOut) {
        Lane.await(lane.compute, lane.copiedOut[s], where);  // outputs j-2 have left the slot
      }
      step.enqueue(j, lo, hi, din[s], dout[s]);
      Lane.record(lane.computed[s], lane.compute, where);
      if (hasOut) {
        Lane.await(lane.out, lane.computed[s], where);
        Pinned po = lane.pinnedOut(s, outOff[outs.size()]);
        for (int i = 0; i < outs.size(); i++) {
          long nb = outs.get(i).bytes(hi - lo);
          if (nb > 0) {
            Cuda.check(cuMemcpyDtoHAsync(po.ptr.withByteOffset(outOff[i]), dout[s][i], nb,
                lane.out), "cuMemcpyDtoHAsync " + where);
          }
        }
        Lane.record(lane.copiedOut[s], lane.out, where);
        if (prev != null) {
          unstage(lane, where, outs, outOff, 1 - s, prev);
        }
      }
      prev = lh;
    }
    if (hasOut && prev != null) {
      unstage(lane, where, outs, outOff, (nChunks - 1) & 1, prev);
    }
  }

  private static void unstage(Lane lane, String where, List<Region> outs, long[] outOff, int s,
      int[] lh) {
    Lane.sync(lane.copiedOut[s], where);
    Pinned po = lane.pinnedOut(s, outOff[outs.size()]);
    for (int i = 0; i < outs.size(); i++) {
      outs.get(i).unstage(po.slice(outOff[i], outs.get(i).bytes(lh[1] - lh[0])), lh[0], lh[1]);
    }
  }

  private static void runPageable(Lane lane, String where, List<Region> ins, List<Region> outs,
      CUdeviceptr[][] din, CUdeviceptr[][] dout, int n, int rows, boolean descending, Step step) {
    int nChunks = chunks(n, rows);
    boolean hasOut = !outs.isEmpty();
    int[] prev = null;
    for (int j = 0; j < nChunks; j++) {
      int s = j & 1;
      int[] lh = bounds(j, n, rows, descending);
      if (j >= 2) {
        Lane.sync(lane.computed[s], where);
      }
      for (int i = 0; i < ins.size(); i++) {
        if (ins.get(i).bytes(lh[1] - lh[0]) > 0) {
          ins.get(i).upload(din[s][i], lh[0], lh[1], where);
        }
      }
      // a synchronous copy from pageable memory may return before its DMA has landed: order the
      // kernel after it through the legacy default stream, where the driver queued it
      Lane.record(lane.copiedIn[s], (CUstream) null, where);
      Lane.await(lane.compute, lane.copiedIn[s], where);
      step.enqueue(j, lh[0], lh[1], din[s], dout[s]);
      Lane.record(lane.computed[s], lane.compute, where);
      if (hasOut && prev != null) {
        Lane.sync(lane.computed[1 - s], where);
        for (int i = 0; i < outs.size(); i++) {
          outs.get(i).download(dout[1 - s][i], prev[0], prev[1], where);
        }
      }
      prev = lh;
    }
    if (hasOut && prev != null) {
      int s = (nChunks - 1) & 1;
      Lane.sync(lane.computed[s], where);
      for (int i = 0; i < outs.size(); i++) {
        outs.get(i).download(dout[s][i], prev[0], prev[1], where);
      }
    }
  }
}
