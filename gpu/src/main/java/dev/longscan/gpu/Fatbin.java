package dev.longscan.gpu;

import dev.longscan.LongscanException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The kernels' fatbin, a class-path resource built by gpu/src/build/build-fatbin.sh (machine
 * code for several GPU generations plus PTX), and the properties recorded beside it (the hash of
 * the sources it was built from, the nvcc version, the targets).
 */
final class Fatbin {
  static final String RESOURCE = "/dev/longscan/gpu/longscan.fatbin";
  static final String PROPERTIES = "/dev/longscan/gpu/longscan.fatbin.properties";

  private Fatbin() {}

  /** The fatbin's bytes followed by a NUL, as cuModuleLoadData expects of an image. */
  static byte[] image() {
    byte[] raw = read(RESOURCE);
    byte[] img = new byte[raw.length + 1];
    System.arraycopy(raw, 0, img, 0, raw.length);
    return img;
  }

  static byte[] read(String resource) {
    try (InputStream in = Fatbin.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new LongscanException("expected the class-path resource " + resource
            + " in longscan-gpu, found none");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new LongscanException("could not read the class-path resource " + resource, e);
    }
  }

  static Properties properties() {
    Properties p = new Properties();
    try (InputStream in = Fatbin.class.getResourceAsStream(PROPERTIES)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new LongscanException("could not read the class-path resource " + PROPERTIES, e);
    }
    return p;
  }
}
