package dev.longscan.gpu;

import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdeviceptr;

/**
 * The resources of one backend call: the device's context made current on the calling thread, a
 * lane of its own, and device blocks from the pool. Closing waits for the lane's streams, then
 * returns blocks and lane. If waiting fails (a sticky CUDA error) they are dropped rather than
 * reused: memory a failed kernel may still touch must not be handed out again.
 */
final class Call implements AutoCloseable {
  final Device device;
  final Lane lane;
  final String where;
  private final List<DevicePool.Block> blocks = new ArrayList<>();

  Call(Device device) {
    this.device = device;
    device.enter();
    this.lane = device.acquireLane();
    this.where = device.where;
  }

  CUdeviceptr alloc(long bytes) {
    DevicePool.Block b = device.pool.allocate(Math.max(bytes, Pipeline.ALIGN));
    blocks.add(b);
    return b.ptr;
  }

  @Override
  public void close() {
    int rc = lane.drain();
    if (rc != 0) {
      // keep nothing that a failed launch might still reference; the lane is dropped too
      return;
    }
    for (DevicePool.Block b : blocks) {
      device.pool.release(b);
    }
    blocks.clear();
    device.releaseLane(lane);
  }
}
