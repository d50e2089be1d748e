package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Kernels64.java must be what core/src/build/gen-kernels64.sh makes of Kernels32.java. */
class KernelsInStepTest {
  @Test
  void float64KernelsAreGeneratedFromFloat32() throws IOException {
    Path dir = Path.of("src/main/java/dev/longscan");
    String k32 = Files.readString(dir.resolve("Kernels32.java"), StandardCharsets.UTF_8);
    String k64 = Files.readString(dir.resolve("Kernels64.java"), StandardCharsets.UTF_8);
    String expected = k32
        .replace("new float[", "new double[")
        .replace("float[]", "double[]")
        .replace("(float)", "(double)")
        .replace("float ", "double ")
        .replace("Float.MIN_NORMAL", "Double.MIN_NORMAL")
        .replace("Float.floatToRawIntBits", "Double.doubleToRawLongBits")
        .replace("Kernels32", "Kernels64");
    // the generator also rewrites header lines 4 to 7
    String[] e = expected.split("\n", -1);
    String[] a = k64.split("\n", -1);
    assertEquals(e.length, a.length, "line count: run core/src/build/gen-kernels64.sh");
    for (int i = 0; i < e.length; i++) {
      if (i >= 3 && i <= 6) {
        continue;
      }
      assertEquals(e[i], a[i], "line " + (i + 1) + " differs: run core/src/build/gen-kernels64.sh");
    }
  }
}
