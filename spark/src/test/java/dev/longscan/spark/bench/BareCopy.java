package dev.longscan.spark.bench;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.longscan.spark.Chunk;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * The yardsticks of the Spark GPU benchmark: the bytes a scan must move for one chunk — its a
 * and b to the device, its h back — copied with nothing else done, by the task that holds the
 * chunk, on the task's own stream, while every other task does the same (all tasks feeding the
 * GPU at once). Two kinds: from and to page-locked (pinned) buffers only (the bus alone), and
 * from the chunk's Java arrays into pinned buffers and back into a new Java array (what any path
 * from JVM data to the GPU and back must do at the least). A program's helper, not a test.
 */
final class BareCopy {
  private BareCopy() {}

  /** Per task thread: a context made current, a stream, pinned and device buffers. */
  private static final class Lane {
    final CUstream stream = new CUstream();
    Pointer hostA;
    Pointer hostB;
    Pointer hostH;
    FloatBuffer bufA;
    FloatBuffer bufB;
    FloatBuffer bufH;
    final CUdeviceptr devA = new CUdeviceptr();
    final CUdeviceptr devB = new CUdeviceptr();
    final CUdeviceptr devH = new CUdeviceptr();
    int capacity;
    CUcontext ctx;
  }

  /** Per task thread, one lane per device (threads run partitions of every device). */
  private static final ThreadLocal<java.util.Map<CUcontext, Lane>> LANES =
      ThreadLocal.withInitial(java.util.HashMap::new);
  private static CUcontext[] contexts;

  private static synchronized CUcontext context(int partition) {
    if (contexts == null) {
      JCudaDriver.setExceptionsEnabled(true);
      cuInit(0);
      int[] n = new int[1];
      cuDeviceGetCount(n);
      contexts = new CUcontext[n[0]];
      for (int i = 0; i < n[0]; i++) {
        CUdevice d = new CUdevice();
        cuDeviceGet(d, i);
        contexts[i] = new CUcontext();
        cuDevicePrimaryCtxRetain(contexts[i], d);
      }
    }
    // the same device rule as longscan's local mode: partition % devices
    return contexts[Math.floorMod(partition, contexts.length)];
  }

  private static Lane lane(int partition, int n) {
    CUcontext ctx = context(partition);
    cuCtxSetCurrent(ctx);
    Lane l = LANES.get().get(ctx);
    if (l == null || l.capacity < n) {
      l = new Lane();
      l.ctx = ctx;
      l.capacity = n;
      long bytes = 4L * n;
      cuStreamCreate(l.stream, 0);
      l.hostA = new Pointer();
      l.hostB = new Pointer();
      l.hostH = new Pointer();
      cuMemAllocHost(l.hostA, bytes);
      cuMemAllocHost(l.hostB, bytes);
      cuMemAllocHost(l.hostH, bytes);
      l.bufA = l.hostA.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
      l.bufB = l.hostB.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
      l.bufH = l.hostH.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
      cuMemAlloc(l.devA, bytes);
      cuMemAlloc(l.devB, bytes);
      cuMemAlloc(l.devH, bytes);
      LANES.get().put(ctx, l);
    }
    return l;
  }

  /**
   * Moves chunk c's bytes to the device and back: a and b host→device, then n floats of h
   * device→host. With {@code fromJava}, a and b are first copied from the chunk's arrays into
   * the pinned buffers and h is copied out into a new array, which is returned (else null).
   */
  static float[] roundTrip(int partition, Chunk c, boolean fromJava) {
    int n = c.steps();
    Lane l = lane(partition, n);
    long bytes = 4L * n;
    if (fromJava) {
      l.bufA.clear();
      l.bufA.put(c.a().floatArray(), c.a().offset(), n);
      l.bufB.clear();
      l.bufB.put(c.b().floatArray(), c.b().offset(), n);
    }
    cuMemcpyHtoDAsync(l.devA, l.hostA, bytes, l.stream);
    cuMemcpyHtoDAsync(l.devB, l.hostB, bytes, l.stream);
    cuMemcpyDtoHAsync(l.hostH, l.devH, bytes, l.stream);
    cuStreamSynchronize(l.stream);
    if (!fromJava) {
      return null;
    }
    float[] h = new float[n];
    l.bufH.clear();
    l.bufH.get(h);
    return h;
  }
}
