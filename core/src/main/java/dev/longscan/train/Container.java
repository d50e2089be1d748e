package dev.longscan.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;

/**
 * The file layout shared by model and checkpoint files, all big-endian:
 * 8 bytes of magic, int format version, long payload length, the payload, long CRC-32C of the
 * payload. Written to a temporary file and moved into place, so a reader never sees half a file.
 */
final class Container {
  static final int HEADER = 8 + 4 + 8;

  private Container() {}

  interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  static void write(Path path, String magic, int version, Writer payload) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      payload.write(out);
    } catch (IOException e) {
      throw new ModelFileException("cannot encode " + path + ": " + e.getMessage(), e);
    }
    byte[] body = bytes.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(body);
    ByteBuffer file = ByteBuffer.allocate(HEADER + body.length + 8);
    file.put(magic.getBytes(StandardCharsets.US_ASCII)).putInt(version).putLong(body.length)
        .put(body).putLong(crc.getValue());
    try {
      Path dir = path.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
      Files.write(tmp, file.array());
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ModelFileException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  /** The checked payload of a file of this magic and version. */
  static DataInputStream read(Path path, String magic, String kind, int version) {
    byte[] all;
    try {
      all = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new ModelFileException("no " + kind + " file at " + path);
    } catch (IOException e) {
      throw new ModelFileException("cannot read " + path + ": " + e.getMessage(), e);
    }
    if (all.length < 8) {
      throw new ModelFileException(path + ": expected a " + kind + " file of at least " + HEADER
          + " bytes, found " + all.length + " bytes (truncated)");
    }
    String found = new String(all, 0, 8, StandardCharsets.ISO_8859_1);
    if (!found.equals(magic)) {
      throw new ModelFileException(path + ": expected a " + kind + " file (magic '" + magic
          + "'), found magic '" + printable(found) + "'");
    }
    if (all.length < HEADER) {
      throw new ModelFileException(path + ": expected a header of " + HEADER + " bytes, found "
          + all.length + " bytes (truncated)");
    }
    ByteBuffer buf = ByteBuffer.wrap(all);
    buf.position(8);
    int v = buf.getInt();
    if (v != version) {
      throw new ModelFileException(path + ": expected " + kind + " format version " + version
          + ", found version " + v);
    }
    long length = buf.getLong();
    long expected = HEADER + length + 8;
    if (length < 0 || all.length != expected) {
      throw new ModelFileException(path + ": expected " + expected + " bytes (payload of "
          + length + "), found " + all.length + " bytes ("
          + (all.length < expected ? "truncated" : "trailing data") + ")");
    }
    CRC32C crc = new CRC32C();
    crc.update(all, HEADER, (int) length);
    long stored = ByteBuffer.wrap(all, HEADER + (int) length, 8).getLong();
    if (stored != crc.getValue()) {
      throw new ModelFileException(path + ": expected CRC-32C " + Long.toHexString(stored)
          + " (stored), found " + Long.toHexString(crc.getValue()) + " over the payload"
          + " (corrupted file)");
    }
    return new DataInputStream(new ByteArrayInputStream(all, HEADER, (int) length));
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c >= 32 && c < 127 ? c : '?');
    }
    return b.toString();
  }
}
