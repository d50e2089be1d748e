package dev.longscan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.LongscanException;
import org.junit.jupiter.api.Test;

/**
 * The GPU backend's configuration: properties parsed strictly, windows in range (no GPU needed).
 */
class GpuConfigTest {
  private static GpuBackend.Config withProperty(String name, String value) {
    String old = System.getProperty(name);
    System.setProperty(name, value);
    try {
      return GpuBackend.Config.fromSystemProperties();
    } finally {
      if (old == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, old);
      }
    }
  }

  @Test
  void windowsOutsideTheirRangeAreRejectedNamingTheKernel() {
    int maxLong = Kernels.LONG_MAX_WINDOW;
    int maxScan = Kernels.SCAN_LONG_MAX_WINDOW;
    int maxWide = Kernels.WIDE_MAX_WINDOW;
    // {window of the width-1 backward, of the wide kernels, of the width-1 scan}, the message
    Object[][] cases = {
        {0, 1, 1, "width-1 backward in [1, " + maxLong + "], found 0"},
        {maxLong + 1, 1, 1, "width-1 backward in [1, " + maxLong + "], found " + (maxLong + 1)},
        {1, -3, 1, "wide kernels in [1, " + maxWide + "], found -3"},
        {1, maxWide + 1, 1, "wide kernels in [1, " + maxWide + "], found " + (maxWide + 1)},
        {1, 1, 0, "width-1 scan in [1, " + maxScan + "], found 0"},
        {1, 1, maxScan + 1, "width-1 scan in [1, " + maxScan + "], found " + (maxScan + 1)}};
    for (Object[] c : cases) {
      LongscanException e = assertThrows(LongscanException.class,
          () -> new GpuBackend.Config(GpuBackend.Config.DEFAULT_CHUNK_BYTES, 0, true,
              (Integer) c[0], (Integer) c[1], (Integer) c[2]));
      assertEquals("expected a look-back window of the " + c[3], e.getMessage());
    }
  }

  @Test
  void theDefaultsUseTheKernelsDefaultWindows() {
    GpuBackend.Config c = GpuBackend.Config.fromSystemProperties();
    assertEquals(GpuBackend.Config.DEFAULT_WINDOW_SCAN, c.windowScan);
    assertEquals(GpuBackend.Config.DEFAULT_WINDOW_LONG, c.windowLong);
    assertEquals(GpuBackend.Config.DEFAULT_WINDOW_WIDE, c.windowWide);
  }

  @Test
  void valuesThatAreNotIntegersAreErrorsNotTheDefault() {
    for (String name : new String[] {"longscan.gpu.memoryBudget", "longscan.gpu.chunkBytes"}) {
      LongscanException e = assertThrows(LongscanException.class,
          () -> withProperty(name, "1e2"));
      assertEquals("expected the system property " + name + " to be an integer, found '1e2'",
          e.getMessage());
    }
  }

  @Test
  void copyThreadsBelowOneOrNotIntegersAreRejectedWhenTheBackendIsConfigured() {
    for (String v : new String[] {"0", "-2", "four", "2.5"}) {
      LongscanException e = assertThrows(LongscanException.class,
          () -> withProperty("longscan.gpu.copyThreads", v));
      assertEquals("expected the system property longscan.gpu.copyThreads to be an integer of at"
          + " least 1, found '" + v + "'", e.getMessage());
    }
    assertEquals(3, HostCopy.threads(" 3 "));
    assertTrue(HostCopy.threads(null) >= 1);
  }

  @Test
  void validValuesAreRead() {
    assertEquals(4099, withProperty("longscan.gpu.chunkBytes", " 4099 ").chunkBytes);
    assertEquals(1L << 30, withProperty("longscan.gpu.memoryBudget", "1073741824").memoryBudget);
    assertEquals(false, withProperty("longscan.gpu.hostMemory", "pageable").pinned);
  }
}
