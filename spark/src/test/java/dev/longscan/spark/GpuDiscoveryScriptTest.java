package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/gpu-discovery.sh, with a stand-in nvidia-smi. */
class GpuDiscoveryScriptTest {
  static final Path SCRIPT = Paths.get("..", "bin", "gpu-discovery.sh").toAbsolutePath();

  @TempDir
  Path tmp;

  private String[] run(String smiOutput, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Path smi = tmp.resolve("nvidia-smi");
    Files.writeString(smi, "#!/usr/bin/env bash\nprintf '" + smiOutput + "'\n");
    smi.toFile().setExecutable(true);
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add("bash");
    pb.command().add(SCRIPT.toString());
    for (String a : args) {
      pb.command().add(a);
    }
    pb.environment().put("NVIDIA_SMI", smi.toString());
    pb.environment().remove("CUDA_VISIBLE_DEVICES");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    return new String[] {Integer.toString(p.waitFor()), out, err};
  }

  @Test
  void listsDevices() throws Exception {
    String[] r = run("0\\n1\\n", Map.of());
    assertEquals("0", r[0], r[2]);
    assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}", r[1]);
    r = run("0\\n1\\n2\\n3\\n", Map.of("CUDA_VISIBLE_DEVICES", "3,1"), "accel");
    assertEquals("{\"name\": \"accel\", \"addresses\": [\"3\", \"1\"]}", r[1]);
  }

  @Test
  void failsClearly() throws Exception {
    String[] r = run("", Map.of());
    assertEquals("1", r[0]);
    assertEquals("", r[1]);
    assertTrue(r[2].contains("lists no GPU"), r[2]);
    r = run("0\\n", Map.of("CUDA_VISIBLE_DEVICES", "5"));
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("among CUDA_VISIBLE_DEVICES=5"), r[2]);
    r = run("0\\n", Map.of("NVIDIA_SMI", "/nonexistent/nvidia-smi"));
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("not found"), r[2]);
  }
}
