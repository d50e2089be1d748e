package dev.longscan.gpu;

import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jcuda.Pointer;

/**
 * A page-locked (pinned) host buffer: the staging area between Java arrays and the device. DMA
 * from pinned memory runs at the bus's speed and asynchronously; from pageable memory the driver
 * must copy through its own staging buffers first.
 */
final class Pinned {
  final Pointer ptr;
  final long bytes;
  final ByteBuffer buffer;

  private Pinned(Pointer ptr, long bytes) {
    this.ptr = ptr;
    this.bytes = bytes;
    this.buffer = ptr.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
  }

  static Pinned allocate(long bytes, String where) {
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("pinned buffers are limited to 2 GiB, asked " + bytes);
    }
    Pointer p = new Pointer();
    Cuda.check(cuMemAllocHost(p, Math.max(bytes, 16)), "cuMemAllocHost(" + DevicePool.mib(bytes)
        + ") " + where);
    return new Pinned(p, Math.max(bytes, 16));
  }

  /** A view of [offset, offset + length) with position 0, native byte order. */
  ByteBuffer slice(long offset, long length) {
    ByteBuffer d = buffer.duplicate();
    d.position((int) offset);
    d.limit((int) (offset + length));
    return d.slice().order(ByteOrder.nativeOrder());
  }

  void free() {
    cuMemFreeHost(ptr);
  }
}
