package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** DenseKernels32.java must be what core/src/build/gen-dense-kernels32.sh makes of DenseKernels64. */
class DenseKernelsInStepTest {
  @Test
  void float32KernelsAreGeneratedFromFloat64() throws IOException {
    Path dir = Path.of("src/main/java/dev/longscan");
    String k64 = Files.readString(dir.resolve("DenseKernels64.java"), StandardCharsets.UTF_8);
    String k32 = Files.readString(dir.resolve("DenseKernels32.java"), StandardCharsets.UTF_8);
    String expected = "// GENERATED from DenseKernels64.java by core/src/build/gen-dense-kernels32.sh:"
        + " do not edit.\n" + k64
        .replaceAll("double\\[\\] ([A-Z][A-Za-z]*)", "float[] $1")
        .replace(" (double) ", " (float) ")
        .replaceFirst("for float64 data", "for float32 data")
        .replace("DenseKernels64", "DenseKernels32");
    assertEquals(expected, k32, "run core/src/build/gen-dense-kernels32.sh");
  }
}
