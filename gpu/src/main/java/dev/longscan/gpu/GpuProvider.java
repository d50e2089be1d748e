package dev.longscan.gpu;

import dev.longscan.Backend;
import dev.longscan.BackendProvider;
import dev.longscan.BackendUnavailableException;

/**
 * Registers the CUDA backend with {@link dev.longscan.Backends#select}: {@code "gpu"} (device 0),
 * {@code "gpu:N"} (device N, e.g. the GPU address Spark assigned to a task) and {@code "auto"}.
 * Listed in {@code META-INF/services/dev.longscan.BackendProvider}.
 *
 * <p>Probing the driver never throws: without libcuda, without a device, or with the backend
 * disabled ({@code -Dlongscan.gpu.disable=true}) {@link #unavailableReason} says why, an
 * explicit {@code select("gpu")} fails with that reason and {@code select("auto")} falls back to
 * the CPU. Tunables are read from system properties when a device is first opened: {@code
 * longscan.gpu.chunkBytes}, {@code longscan.gpu.memoryBudget}, {@code longscan.gpu.hostMemory}
 * ({@code pinned} or {@code pageable}) and {@code longscan.gpu.copyThreads}.
 */
public final class GpuProvider implements BackendProvider {
  private static final Backend[] SHARED = new Backend[64];

  /** Called by {@link java.util.ServiceLoader}. */
  public GpuProvider() {}

  @Override
  public String name() {
    return "gpu";
  }

  @Override
  public String unavailableReason() {
    return Cuda.probe().unavailableReason;
  }

  @Override
  public int deviceCount() {
    return Cuda.probe().deviceCount;
  }

  /**
   * The shared backend of device {@code ordinal}; closing it is a no-op.
   *
   * @throws BackendUnavailableException when there is no driver, no such device, or the device
   *     cannot load the kernels
   */
  @Override
  public Backend open(int ordinal) {
    Device d = Device.get(ordinal);
    synchronized (SHARED) {
      if (SHARED[ordinal] == null) {
        SHARED[ordinal] = new GpuBackend(d, GpuBackend.Config.fromSystemProperties());
      }
      return SHARED[ordinal];
    }
  }
}
