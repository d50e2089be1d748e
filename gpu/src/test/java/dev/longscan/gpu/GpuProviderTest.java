package dev.longscan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backend;
import dev.longscan.BackendProvider;
import dev.longscan.BackendUnavailableException;
import dev.longscan.Backends;
import dev.longscan.ParameterException;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Registration and selection, with and without a usable GPU. */
class GpuProviderTest {

  @Test
  void providerIsFoundByServiceLoader() {
    boolean found = false;
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      found |= p instanceof GpuProvider && p.name().equals("gpu");
    }
    assertTrue(found, "GpuProvider not listed in META-INF/services");
    assertTrue(Backends.names().contains("gpu"), Backends.names().toString());
  }

  @Test
  void withoutAGpuExplicitSelectionFailsWithTheReasonAndAutoFallsBackToTheCpu() {
    String why = GpuTestSupport.unavailableReason();
    Assumptions.assumeTrue(why != null, "a GPU is usable here (see withAGpu…)");
    assertFalse(why.isBlank());
    assertFalse(why.contains("\n"), "reason should be one line: " + why);
    BackendUnavailableException e =
        assertThrows(BackendUnavailableException.class, () -> Backends.select("gpu"));
    assertTrue(e.getMessage().contains(why), e.getMessage());
    assertThrows(BackendUnavailableException.class, () -> Backends.select("gpu:1"));
    assertEquals(0, new GpuProvider().deviceCount());
    BackendUnavailableException e2 =
        assertThrows(BackendUnavailableException.class, () -> new GpuProvider().open(0));
    assertTrue(e2.getMessage().contains(why), e2.getMessage());
    assertEquals("cpu", Backends.select("auto").name());
  }

  @Test
  @Tag("gpu")
  void withAGpuSelectionByNameAndOrdinal() {
    GpuTestSupport.assumeGpu();
    int n = new GpuProvider().deviceCount();
    assertTrue(n >= 1);
    Backend b = Backends.select("gpu");
    assertEquals("gpu", b.name());
    assertSame(b, Backends.select("gpu:0"));
    assertEquals("gpu", Backends.select("auto").name());
    assertTrue(b.describe().startsWith("gpu:0 ("), b.describe());
    BackendUnavailableException e =
        assertThrows(BackendUnavailableException.class, () -> Backends.select("gpu:" + n));
    assertTrue(e.getMessage().contains("[0, " + n + ")"), e.getMessage());
    assertThrows(BackendUnavailableException.class, () -> new GpuProvider().open(n));
    assertThrows(BackendUnavailableException.class, () -> new GpuProvider().open(-1));
    assertThrows(ParameterException.class, () -> Backends.select("gpu:x"));
    b.close();  // shared: a no-op
    assertSame(b, Backends.select("gpu"));
  }

  @Test
  void missingDriverLibraryIsReportedInOneLine() {
    String jcudaLike = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
        + "Operating system name: Linux\n---(start of nested stack traces)---\n"
        + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: "
        + "libcuda.so.1: cannot open shared object file: No such file or directory\n";
    String r = Cuda.linkageReason(new UnsatisfiedLinkError(jcudaLike));
    assertTrue(r.contains("libcuda.so.1 was not found"), r);
    assertFalse(r.contains("\n"), r);
    String other = Cuda.linkageReason(new UnsatisfiedLinkError("no JCudaDriver in path\nmore"));
    assertTrue(other.contains("no JCudaDriver in path"), other);
    assertFalse(other.contains("\n"), other);
  }
}
