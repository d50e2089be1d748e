package dev.longscan.examples;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * Checks an output directory option before any work: an existing one is replaced only when it is
 * an earlier Spark output (a directory with {@code _SUCCESS}) or empty, or when the user said
 * {@code --overwrite}; a path of this machine must also be creatable and writable. Paths of this
 * machine are checked before Spark starts ({@link #checkBeforeSpark}); others (hdfs://, s3a://,
 * or a bare path on a cluster, which names its default file system) once Spark is up, through
 * Hadoop's file system API ({@link #checkWithHadoop}); what fails later in Spark's write is
 * reported by the command line as one line.
 */
final class OutputDirs {
  private OutputDirs() {}

  /** The local path {@code location} names (no scheme, or file:), else null. */
  static Path local(String location) {
    if (location.startsWith("file:")) {
      return Paths.get(URI.create(location));
    }
    if (location.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
      return null; // another file system's URI (a one-letter "scheme" is a Windows drive)
    }
    return Paths.get(location);
  }

  /**
   * Whether {@code location} is surely a path of this machine's file system before Spark starts:
   * a file: URI, or a path without a scheme in local mode when no Hadoop configuration could make
   * the default file system another (on a cluster a bare path is the cluster's default file
   * system, HDFS for instance, checked by {@link #checkWithHadoop} once Spark is up).
   */
  static boolean surelyLocal(String location, String master) {
    if (location.startsWith("file:")) {
      return true;
    }
    if (location.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
      return false;
    }
    org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf();
    String m = conf.get("spark.master", master);
    return m.startsWith("local") && System.getenv("HADOOP_CONF_DIR") == null
        && !conf.contains("spark.hadoop.fs.defaultFS");
  }

  /**
   * Before Spark starts: the checks of {@link #check} where the location is {@link #surelyLocal};
   * returns whether it was checked (else call {@link #checkWithHadoop} once Spark is up).
   */
  static boolean checkBeforeSpark(String option, String location, boolean overwrite,
      String master) {
    if (location == null) {
      return true;
    }
    if (location.isBlank()) {
      throw new UserError("expected a path after " + option + ", found an empty one");
    }
    if (!surelyLocal(location, master)) {
      return false;
    }
    check(option, location, overwrite);
    return true;
  }

  /**
   * Once Spark is up, for a location of any file system: an existing one is replaced only when it
   * is an earlier Spark output or empty, unless --overwrite.
   */
  static void checkWithHadoop(org.apache.spark.sql.SparkSession spark, String option,
      String location, boolean overwrite) {
    if (location == null || overwrite) {
      return;
    }
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
      org.apache.hadoop.fs.FileSystem fs =
          p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        return;
      }
      if (!fs.getFileStatus(p).isDirectory()) {
        throw new UserError(option + "=" + location + " is an existing file, which the job"
            + " would replace with a directory: choose another path, or pass --overwrite");
      }
      if (!fs.exists(new org.apache.hadoop.fs.Path(p, "_SUCCESS"))
          && fs.listStatus(p).length > 0) {
        throw new UserError(option + "=" + location + " is an existing directory that is not an"
            + " earlier Spark output (it has no _SUCCESS file), which the job would replace:"
            + " choose another path, or pass --overwrite");
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError("cannot check " + option + "=" + location + ": " + e.getMessage(), e);
    }
  }

  /** The checks on a local path (see the class comment). */
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
