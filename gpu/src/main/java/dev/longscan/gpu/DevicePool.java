package dev.longscan.gpu;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import dev.longscan.LongscanException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;

/**
 * The device-memory pool of one device: freed blocks are kept by size class and handed out
 * again, so repeated calls (a Spark task per partition, a training loop) do not pay for
 * cuMemAlloc / cuMemFree, which also synchronise the device. Size classes are the requested size
 * rounded up to a quarter of its power of two (at most 25% waste). When an allocation fails the
 * cached blocks are freed and it is tried once more; if it still fails, {@link OutOfDeviceMemory}
 * says how much was asked and how much is free, and callers shrink their chunks. The caller's
 * thread must have the device's context current.
 */
final class DevicePool {
  private final String where;
  private final long cacheLimit;
  private final Map<Long, ArrayDeque<CUdeviceptr>> free = new HashMap<>();
  private long cachedBytes;

  DevicePool(String where, long cacheLimit) {
    this.where = where;
    this.cacheLimit = cacheLimit;
  }

  /** A block of device memory and its (rounded) size. */
  static final class Block {
    final CUdeviceptr ptr;
    final long bytes;

    Block(CUdeviceptr ptr, long bytes) {
      this.ptr = ptr;
      this.bytes = bytes;
    }
  }

  /** Thrown when the device cannot provide a block even after the pool's cache was freed. */
  static final class OutOfDeviceMemory extends LongscanException {
    private static final long serialVersionUID = 1L;

    OutOfDeviceMemory(String message) {
      super(message);
    }
  }

  static long sizeClass(long bytes) {
    long b = Math.max(bytes, 512);
    long hi = Long.highestOneBit(b);
    long step = Math.max(256, hi >> 2);
    return (b + step - 1) / step * step;
  }

  Block allocate(long bytes) {
    long size = sizeClass(bytes);
    synchronized (this) {
      ArrayDeque<CUdeviceptr> q = free.get(size);
      if (q != null && !q.isEmpty()) {
        cachedBytes -= size;
        return new Block(q.pop(), size);
      }
    }
    CUdeviceptr p = new CUdeviceptr();
    int rc = cuMemAlloc(p, size);
    if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
      trim();
      rc = cuMemAlloc(p, size);
      if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
        long[] fr = new long[1];
        long[] tot = new long[1];
        jcuda.driver.JCudaDriver.cuMemGetInfo(fr, tot);
        throw new OutOfDeviceMemory("expected " + mib(size) + " of device memory " + where
            + ", found " + mib(fr[0]) + " free of " + mib(tot[0])
            + " (cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY)");
      }
    }
    Cuda.check(rc, "cuMemAlloc(" + mib(size) + ") " + where);
    return new Block(p, size);
  }

  /** Returns a block whose pending work has completed. */
  void release(Block b) {
    synchronized (this) {
      if (cachedBytes + b.bytes <= cacheLimit) {
        free.computeIfAbsent(b.bytes, k -> new ArrayDeque<>()).push(b.ptr);
        cachedBytes += b.bytes;
        return;
      }
    }
    Cuda.check(cuMemFree(b.ptr), "cuMemFree " + where);
  }

  /** Frees every cached block. */
  void trim() {
    synchronized (this) {
      for (ArrayDeque<CUdeviceptr> q : free.values()) {
        for (CUdeviceptr p : q) {
          cuMemFree(p);
        }
      }
      free.clear();
      cachedBytes = 0;
    }
  }

  synchronized long cachedBytes() {
    return cachedBytes;
  }

  static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
