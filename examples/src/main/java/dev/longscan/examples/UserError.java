package dev.longscan.examples;

import dev.longscan.LongscanException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * A mistake in what the user asked for (a missing file, a bad option, a setting this machine
 * cannot honour): the command prints its one-line message and exits with status 2, without a
 * stack trace. {@link #explain} finds such a mistake inside whatever a command threw.
 */
final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UserError(String message) {
    super(message);
  }

  UserError(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The one-line message for a user's mistake found in {@code t} or its causes (Spark wraps the
   * failures of its tasks several times over), or null when {@code t} is not one: a defect, whose
   * stack trace should be seen.
   */
  static String explain(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof UserError || c instanceof LongscanException) {
        return c.getMessage();
      }
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String io = io(c);
      if (io != null) {
        return io;
      }
      if (c instanceof OutOfMemoryError) {
        return String.format(Locale.ROOT, "ran out of memory (%s; the JVM may use at most %s):"
            + " ask for less work, or give the JVM more memory, e.g. JAVA_OPTS=-Xmx16g",
            c.getMessage(), bytes(Runtime.getRuntime().maxMemory()));
      }
    }
    return null;
  }

  private static String io(Throwable c) {
    if (c instanceof UncheckedIOException) {
      return null; // its cause is the IOException
    }
    if (c instanceof NoSuchFileException) {
      return "no such file or directory: " + ((NoSuchFileException) c).getFile()
          + "; check the path";
    }
    if (c instanceof AccessDeniedException) {
      return "permission denied: " + ((AccessDeniedException) c).getFile()
          + "; choose a path you may read or write";
    }
    if (c instanceof NotDirectoryException) {
      return "not a directory: " + ((NotDirectoryException) c).getFile();
    }
    if (c instanceof FileAlreadyExistsException) {
      return "already exists: " + ((FileAlreadyExistsException) c).getFile()
          + "; choose another path";
    }
    if (c instanceof FileSystemException) {
      FileSystemException f = (FileSystemException) c;
      return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "cannot be used")
          + (f.getOtherFile() != null ? " (" + f.getOtherFile() + ")" : "");
    }
    if (c instanceof java.io.FileNotFoundException
        || c.getClass().getName().equals("org.apache.hadoop.security.AccessControlException")
        || c.getClass().getName().equals("org.apache.hadoop.fs.FileAlreadyExistsException")
        || c.getClass().getName().equals("org.apache.hadoop.fs.PathIOException")) {
      return ((IOException) c).getMessage();
    }
    if (c instanceof IOException && c.getMessage() != null) {
      // reading or writing the user's files (a full disk, a permission, a file system's refusal)
      return c.getMessage() + " (" + c.getClass().getSimpleName() + ")";
    }
    return null;
  }

  /** 1536 → "1.5 KiB". */
  static String bytes(long n) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
