package dev.longscan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.LongscanException;
import org.junit.jupiter.api.Test;

/** The GPU backend's system properties: parsed strictly, windows in range (no GPU needed). */
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
  void windowsOutsideTheirRangeAreRejectedWithTheirName() {
    for (String[] c : new String[][] {{"longscan.gpu.window.scan", "0"},
        {"longscan.gpu.window.scan", String.valueOf(Kernels.SCAN_LONG_MAX_WINDOW + 1)},
        {"longscan.gpu.window.long", "0"},
        {"longscan.gpu.window.long", String.valueOf(Kernels.LONG_MAX_WINDOW + 1)},
        {"longscan.gpu.window.wide", "-3"}}) {
      LongscanException e = assertThrows(LongscanException.class, () -> withProperty(c[0], c[1]));
      assertTrue(e.getMessage().contains(c[0]) && e.getMessage().contains("found " + c[1]),
          e.getMessage());
    }
  }

  @Test
  void valuesThatAreNotIntegersAreErrorsNotTheDefault() {
    for (String name : new String[] {"longscan.gpu.window.scan", "longscan.gpu.chunkBytes"}) {
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
    assertEquals(96, withProperty("longscan.gpu.window.scan", " 96 ").windowScan);
  }
}
