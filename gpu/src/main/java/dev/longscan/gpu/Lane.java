package dev.longscan.gpu;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;

import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * What one calling thread uses for one call: three non-blocking streams (host-to-device copies,
 * kernels, device-to-host copies, so that the copies of one chunk overlap the kernels of
 * another), the events that order them, and two slots of pinned staging buffers. A device keeps
 * idle lanes and hands one to each concurrent call, so threads never share a stream and pooled
 * threads (Spark tasks) reuse lanes instead of creating streams per task.
 */
final class Lane {
  final CUstream in = new CUstream();
  final CUstream compute = new CUstream();
  final CUstream out = new CUstream();
  final CUevent[] copiedIn = new CUevent[2];
  final CUevent[] computed = new CUevent[2];
  final CUevent[] copiedOut = new CUevent[2];
  private final Pinned[] pinnedIn = new Pinned[2];
  private final Pinned[] pinnedOut = new Pinned[2];
  private Pinned small;
  private final String where;

  Lane(String where) {
    this.where = where;
    for (CUstream s : new CUstream[] {in, compute, out}) {
      Cuda.check(cuStreamCreate(s, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate "
          + where);
    }
    for (CUevent[] evs : new CUevent[][] {copiedIn, computed, copiedOut}) {
      for (int i = 0; i < 2; i++) {
        evs[i] = new CUevent();
        Cuda.check(cuEventCreate(evs[i], CUevent_flags.CU_EVENT_DISABLE_TIMING),
            "cuEventCreate " + where);
      }
    }
  }

  /** The slot's input staging buffer, at least {@code bytes} long. */
  Pinned pinnedIn(int slot, long bytes) {
    pinnedIn[slot] = ensure(pinnedIn[slot], bytes);
    return pinnedIn[slot];
  }

  Pinned pinnedOut(int slot, long bytes) {
    pinnedOut[slot] = ensure(pinnedOut[slot], bytes);
    return pinnedOut[slot];
  }

  /** A small buffer for carries, summaries and halos. */
  Pinned small(long bytes) {
    small = ensure(small, bytes);
    return small;
  }

  private Pinned ensure(Pinned p, long bytes) {
    if (p != null && p.bytes >= bytes) {
      return p;
    }
    if (p != null) {
      p.free();
    }
    // grow by at least half again, so that slowly growing requests do not re-pin every call
    long want = p == null ? bytes : Math.max(bytes, Math.min(Integer.MAX_VALUE, p.bytes * 3 / 2));
    return Pinned.allocate(want, where);
  }

  static void record(CUevent e, CUstream s, String where) {
    Cuda.check(cuEventRecord(e, s), "cuEventRecord " + where);
  }

  static void await(CUstream s, CUevent e, String where) {
    Cuda.check(cuStreamWaitEvent(s, e, 0), "cuStreamWaitEvent " + where);
  }

  static void sync(CUevent e, String where) {
    Cuda.check(cuEventSynchronize(e), "cuEventSynchronize " + where);
  }

  /** Waits for everything queued on this lane; returns the first error code (0: none). */
  int drain() {
    int rc = 0;
    for (CUstream s : new CUstream[] {in, compute, out}) {
      int r = cuStreamSynchronize(s);
      if (rc == 0) {
        rc = r;
      }
    }
    return rc;
  }

  void destroy() {
    drain();
    for (CUevent[] evs : new CUevent[][] {copiedIn, computed, copiedOut}) {
      for (CUevent e : evs) {
        cuEventDestroy(e);
      }
    }
    for (CUstream s : new CUstream[] {in, compute, out}) {
      cuStreamDestroy(s);
    }
    for (Pinned p : new Pinned[] {pinnedIn[0], pinnedIn[1], pinnedOut[0], pinnedOut[1], small}) {
      if (p != null) {
        p.free();
      }
    }
  }
}
