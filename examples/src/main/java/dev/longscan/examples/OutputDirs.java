package dev.longscan.examples;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * Checks an output directory option before any work: a local path must be creatable and writable,
 * and an existing one is replaced only when it is an earlier Spark output (a directory with
 * {@code _SUCCESS}) or empty, or when the user said {@code --overwrite}. Paths of other file
 * systems (hdfs://, s3a://, …) are left to Spark; its errors are reported by the command line.
 */
final class OutputDirs {
  private OutputDirs() {}

  /** The local path {@code location} names (no scheme, or file:), else null. */
  static Path local(String location) {
    if (location.startsWith("file:")) {
      return Paths.get(URI.create(location));
    }
    if (location.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      return null;
    }
    return Paths.get(location);
  }

  static void check(String option, String location, boolean overwrite) {
    if (location == null) {
      return;
    }
    if (location.isBlank()) {
      throw new UserError("expected a path after " + option + ", found an empty one");
    }
    Path p;
    try {
      p = local(location);
    } catch (IllegalArgumentException e) {
      throw new UserError("expected a path for " + option + ", found '" + location + "' ("
          + e.getMessage() + ")");
    }
    if (p == null) {
      return;
    }
    p = p.toAbsolutePath().normalize();
    if (Files.exists(p) && !overwrite) {
      if (!Files.isDirectory(p)) {
        throw new UserError(option + "=" + location + " is an existing file, which the job would"
            + " replace with a directory: choose another path, or pass --overwrite");
      }
      if (!Files.exists(p.resolve("_SUCCESS")) && !isEmpty(p)) {
        throw new UserError(option + "=" + location + " is an existing directory that is not an"
            + " earlier Spark output (it has no _SUCCESS file), which the job would replace:"
            + " choose another path, or pass --overwrite");
      }
    }
    // an existing path is replaced: what must be writable is the directory that holds it
    Path q = Files.exists(p) ? p.getParent() : p;
    while (q != null && !Files.exists(q)) {
      q = q.getParent();
    }
    if (q == null) {
      return;
    }
    if (!Files.isDirectory(q)) {
      throw new UserError(option + "=" + location + " cannot be created: " + q + " is a file,"
          + " not a directory; choose another path");
    }
    if (!Files.isWritable(q)) {
      throw new UserError(option + "=" + location + " cannot be written: " + q + " is not"
          + " writable by this user; choose a path you may write");
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UserError("cannot list " + dir + ": " + e.getMessage());
    }
  }
}
