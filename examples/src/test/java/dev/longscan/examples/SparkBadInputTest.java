package dev.longscan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code longscan spark} (the main job): a table of bad inputs, each rejected before Spark starts
 * with one line naming what and where, exit 2; and one small run in local mode.
 */
class SparkBadInputTest {
  @TempDir
  Path tmp;

  @Test
  void badInputs() throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "keep me");
    Path unrelated = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(unrelated.resolve("notes.txt"), "mine");
    List<BadInput> table = new ArrayList<>(List.of(
        BadInput.row("unknown master", List.of("spark", "--master=bogus"), "--master",
            "'bogus'"),
        BadInput.row("unknown backend", List.of("spark", "--backend=tpu"), "--backend",
            "'tpu'"),
        BadInput.row("output under a file", List.of("spark", "--output=" + file + "/out"),
            "--output=" + file + "/out", file + " is a file"),
        BadInput.row("output is a file", List.of("spark", "--output=" + file),
            "--output=" + file, "existing file", "--overwrite"),
        BadInput.row("output holds other data", List.of("spark", "--output=" + unrelated),
            "--output=" + unrelated, "no _SUCCESS", "--overwrite"),
        BadInput.row("NaN half-life", List.of("spark", "--half-life=NaN"), "--half-life",
            "found 'NaN'"),
        BadInput.row("half-life not a number", List.of("spark", "--half-life=soon"),
            "--half-life", "found 'soon'"),
        BadInput.row("zero half-life", List.of("spark", "--half-life=0"), "--half-life",
            "found '0'"),
        BadInput.row("half-life past a Duration", List.of("spark", "--half-life=1e300"),
            "--half-life", "found '1e300'"),
        BadInput.row("negative check", List.of("spark", "--check-symbols=-1"),
            "--check-symbols >= 0", "found -1"),
        BadInput.row("negative rows", List.of("spark", "--rows=-5"), "--rows >= 0",
            "found -5"),
        BadInput.row("no symbols", List.of("spark", "--symbols=0"), "--symbols >= 1",
            "found 0"),
        BadInput.row("negative partitions", List.of("spark", "--partitions=-1"),
            "--partitions >= 0", "found -1")));
    if (!BadInput.gpuUsable()) {
      table.add(BadInput.row("no GPU here", List.of("spark", "--backend=gpu"),
          "--backend=gpu cannot run here", "--backend=auto"));
    }
    Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
    if (readOnly.toFile().setWritable(false) && !Files.isWritable(readOnly)) {
      // not for root, who may write anywhere
      table.add(BadInput.row("unwritable output", List.of("spark", "--output=" + readOnly
          + "/out"), "--output=" + readOnly + "/out", "not writable"));
    }
    BadInput.walk(table, true);
    assertEquals("keep me", Files.readString(file));
    assertEquals("mine", Files.readString(unrelated.resolve("notes.txt")));
    BadInput.parseError(new String[] {"spark", "--rows=many"}, "--rows", "'many'");
  }

  /**
   * On a cluster a bare path names the default file system (HDFS, say): such paths are checked
   * through Hadoop's file system API once Spark is up, with the same rules.
   */
  @Test
  void pathsOfAnyFileSystemAreCheckedOnceSparkIsUp() throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "keep me");
    Path unrelated = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(unrelated.resolve("notes.txt"), "mine");
    Path earlier = Files.createDirectories(tmp.resolve("earlier"));
    Files.writeString(earlier.resolve("_SUCCESS"), "");
    org.apache.spark.sql.SparkSession spark = Sessions.start("paths", "local[1]", "cpu");
    try {
      UserError f = org.junit.jupiter.api.Assertions.assertThrows(UserError.class,
          () -> OutputDirs.checkWithHadoop(spark, "--out", file.toUri().toString(), false));
      assertTrue(f.getMessage().contains("--out=" + file.toUri() + " is an existing file"),
          f.getMessage());
      UserError d = org.junit.jupiter.api.Assertions.assertThrows(UserError.class,
          () -> OutputDirs.checkWithHadoop(spark, "--data", unrelated.toString(), false));
      assertTrue(d.getMessage().contains("--data=" + unrelated + " is an existing directory"
          + " that is not an earlier Spark output"), d.getMessage());
      // accepted: an earlier output, a new path, anything with --overwrite
      OutputDirs.checkWithHadoop(spark, "--out", earlier.toString(), false);
      OutputDirs.checkWithHadoop(spark, "--out", tmp.resolve("new").toString(), false);
      OutputDirs.checkWithHadoop(spark, "--out", file.toString(), true);
    } finally {
      spark.stop();
    }
    assertTrue(!OutputDirs.surelyLocal("hdfs://namenode/x", "local[*]")
        && !OutputDirs.surelyLocal("/data/x", "spark://host:7077")
        && OutputDirs.surelyLocal("file:/data/x", "spark://host:7077"));
  }

  /**
   * A small run: progress on standard error at each step, an earlier Spark output replaced, the
   * check skipped with --check-symbols=0.
   */
  @Test
  void smallRunReportsProgressAndReplacesAnEarlierOutput() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("earlier"));
    Files.writeString(out.resolve("_SUCCESS"), "");
    String[] r = CliTest.run("spark", "--rows=3001", "--symbols=3", "--master=local[2]",
        "--partitions=2", "--backend=cpu", "--output=" + out, "--check-symbols=0");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("check: skipped (--check-symbols=0)"), r[1]);
    for (String step : new String[] {"starting Spark", "generating and caching 3,001 ticks",
        "phase 1", "phase 3: rescanning and writing " + out, "stopping Spark"}) {
      assertTrue(r[2].contains(step), "no progress line '" + step + "': " + r[2]);
    }
    assertTrue(r[2].matches("(?s).*longscan spark: \\[ *[0-9.]+ s\\] .*"), r[2]);
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
  }
}
