package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendsTest {
  @Test
  void selectsByName() {
    assertSame(Backends.cpu(), Backends.select("cpu"));
    assertSame(Backends.cpu(), Backends.select(" CPU "));
    assertEquals("sequential", Backends.select("sequential").name());
    assertEquals("reference", Backends.select("reference").name());
    assertTrue(Backends.names().contains("auto"));
  }

  @Test
  void autoFallsBackToTheCpuWithoutProviders() {
    // core's tests run without the gpu module on the class path
    assertTrue(Backends.providers().isEmpty(), "unexpected providers " + Backends.providers());
    assertSame(Backends.cpu(), Backends.select("auto"));
  }

  @Test
  void unknownOrUnavailableNamesFailClearly() {
    ParameterException p = assertThrows(ParameterException.class, () -> Backends.select("tpu"));
    assertTrue(p.getMessage().contains("'tpu'") && p.getMessage().contains("cpu"), p.getMessage());
    BackendUnavailableException u = assertThrows(BackendUnavailableException.class,
        () -> Backends.select("gpu"));
    assertTrue(u.getMessage().contains("longscan-gpu"), u.getMessage());
    ParameterException o = assertThrows(ParameterException.class, () -> Backends.select("gpu:x"));
    assertTrue(o.getMessage().contains("'x'"), o.getMessage());
    assertThrows(ParameterException.class, () -> Backends.cpu(0));
    assertThrows(ParameterException.class, () -> Backends.cpu(2, 0));
  }
}
