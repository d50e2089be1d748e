package dev.longscan.gpu;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Finding a usable device, or skipping with the reason there is none. */
final class GpuTestSupport {
  private GpuTestSupport() {}

  /** Null when a GPU is usable here, else why not. */
  static String unavailableReason() {
    return new GpuProvider().unavailableReason();
  }

  /**
   * Skips the calling test (or class, from @BeforeAll) when no GPU is usable; fails instead when
   * the system property {@code longscan.test.requireGpu} is true (a run on a GPU machine that
   * must not pass by skipping).
   */
  static void assumeGpu() {
    String why = unavailableReason();
    if (why != null && Boolean.getBoolean("longscan.test.requireGpu")) {
      Assertions.fail("expected a usable GPU (longscan.test.requireGpu=true), found none: " + why);
    }
    Assumptions.assumeTrue(why == null, () -> "no usable GPU here: " + why);
  }

  /** The shared backend of device 0 (skips without a GPU). */
  static GpuBackend shared() {
    assumeGpu();
    return (GpuBackend) new GpuProvider().open(0);
  }

  /** A backend of device 0 with its own configuration (skips without a GPU). */
  static GpuBackend configured(long chunkBytes, long memoryBudget, boolean pinned, int windowLong,
      int windowWide) {
    assumeGpu();
    return new GpuBackend(Device.get(0),
        new GpuBackend.Config(chunkBytes, memoryBudget, pinned, windowLong, windowWide));
  }
}
