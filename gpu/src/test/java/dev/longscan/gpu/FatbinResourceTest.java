package dev.longscan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed fatbin matches the CUDA sources (no GPU needed; runs in CI): the hash recorded
 * by src/build/build-fatbin.sh equals the hash of the sources now, and the fatbin on the class
 * path is the one that was recorded.
 */
class FatbinResourceTest {

  /** The same hash as build-fatbin.sh's sources_hash. */
  static String sourcesHash(Path src) throws IOException, NoSuchAlgorithmException {
    List<String> files = new ArrayList<>();
    files.add("build/build-fatbin.sh");
    try (Stream<Path> s = Files.walk(src.resolve("main/cuda"))) {
      s.filter(Files::isRegularFile)
          .forEach(p -> files.add(src.relativize(p).toString().replace('\\', '/')));
    }
    files.sort(null);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (String f : files) {
      md.update((f + "\n").getBytes(StandardCharsets.UTF_8));
      byte[] content = Files.readAllBytes(src.resolve(f));
      java.io.ByteArrayOutputStream noCr = new java.io.ByteArrayOutputStream(content.length);
      for (byte b : content) {
        if (b != '\r') {
          noCr.write(b);
        }
      }
      md.update(noCr.toByteArray());
      md.update((byte) '\n');
    }
    return HexFormat.of().formatHex(md.digest());
  }

  @Test
  void committedFatbinWasBuiltFromTheseSources() throws Exception {
    Path src = Path.of("src");
    assertTrue(Files.isDirectory(src.resolve("main/cuda")),
        "expected to run in the gpu module's directory, found " + Path.of("").toAbsolutePath());
    Properties p = Fatbin.properties();
    String recorded = p.getProperty("sources.sha256");
    String now = sourcesHash(src);
    assertEquals(now, recorded, "the committed fatbin (gpu/src/main/resources/dev/longscan/gpu/"
        + "longscan.fatbin) was built from other CUDA sources: rebuild it with nvcc on the PATH "
        + "(bash gpu/src/build/build-fatbin.sh, or any Maven build of the gpu module) and commit "
        + "it with its .properties");
  }

  @Test
  void fatbinOnTheClassPathIsTheRecordedOne() throws Exception {
    Properties p = Fatbin.properties();
    byte[] bin = Fatbin.read(Fatbin.RESOURCE);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bin));
    assertEquals(p.getProperty("fatbin.sha256"), sha, "fatbin bytes differ from the recorded hash");
    // a fatbin starts with its magic number 0xBA55ED50 (little-endian)
    assertEquals(0x50, bin[0] & 0xff);
    assertEquals(0xED, bin[1] & 0xff);
    assertEquals(0x55, bin[2] & 0xff);
    assertEquals(0xBA, bin[3] & 0xff);
    String targets = p.getProperty("targets", "");
    for (String t : new String[] {"sm_75", "sm_80", "sm_86", "sm_89", "sm_90", "compute_"}) {
      assertTrue(targets.contains(t), "expected target " + t + " in " + targets);
    }
    byte[] img = Fatbin.image();
    assertEquals(bin.length + 1, img.length);
    assertEquals(0, img[img.length - 1], "the image passed to cuModuleLoadData ends with NUL");
  }

  @Test
  void fatbinEntryPointsAreTheKernelsTheJavaSideLoads() {
    String recorded = Fatbin.properties().getProperty("kernels");
    assertTrue(recorded != null && !recorded.isBlank(),
        "expected a kernels= line in longscan.fatbin.properties, found none");
    List<String> inFatbin = new ArrayList<>(List.of(recorded.split(",")));
    List<String> loaded = new ArrayList<>(Kernels.names());
    inFatbin.sort(null);
    loaded.sort(null);
    assertEquals(loaded, inFatbin, "the fatbin's entry points (kernels= in "
        + "longscan.fatbin.properties) differ from those Kernels loads");
  }
}
