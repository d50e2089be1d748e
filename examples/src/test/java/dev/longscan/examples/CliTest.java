package dev.longscan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: help everywhere, the core-only scan command, its errors. */
class CliTest {
  @TempDir
  Path tmp;

  /** Exit code, standard output and standard error of one command line. */
  static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int rc = cl.execute(args);
    return new String[] {Integer.toString(rc), out.toString(), err.toString()};
  }

  @Test
  void everyCommandHasHelp() {
    String[] top = run("--help");
    assertEquals("0", top[0]);
    CommandLine cl = Main.commandLine();
    assertTrue(cl.getSubcommands().keySet().containsAll(
        java.util.List.of("spark", "scan", "tick-ema", "long-series")));
    for (String name : cl.getSubcommands().keySet()) {
      if (name.equals("help")) {
        continue;
      }
      String[] r = run(name, "--help");
      assertEquals("0", r[0], name + " --help: " + r[2]);
      assertTrue(r[1].startsWith("Usage: longscan " + name), r[1]);
      assertTrue(top[1].contains(name), "listed in longscan --help: " + name);
    }
  }

  @Test
  void scanGeneratedSeriesOnEachCpuBackend() {
    for (String backend : new String[] {"cpu", "sequential", "auto"}) {
      String[] r = run("scan", "--steps", "100003", "--backend", backend, "--repeat", "1",
          "--check", "500");
      assertEquals("0", r[0], r[2]);
      assertTrue(r[1].contains("series: 100,003 steps x 1 channel(s), FLOAT32, generated"), r[1]);
      assertTrue(r[1].matches("(?s).*scan: best of 1: .*elements/s.*"), r[1]);
      assertTrue(r[1].contains("(tolerance 1e-04) OK"), r[1]);
    }
    String[] wide = run("scan", "--steps", "3001", "--width", "5", "--precision", "float64",
        "--reverse", "--repeat", "1");
    assertEquals("0", wide[0], wide[2]);
    assertTrue(wide[1].contains("(tolerance 1e-10) OK"), wide[1]);
  }

  @Test
  void scanCsv() throws IOException {
    Path csv = tmp.resolve("series.csv");
    StringBuilder sb = new StringBuilder("a,b\n");
    for (int i = 0; i < 1000; i++) {
      sb.append(0.9).append(',').append(i % 7 - 3).append('\n');
    }
    Files.writeString(csv, sb);
    String[] r = run("scan", "--csv", csv.toString(), "--precision", "float64", "--repeat", "1");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("series: 1,000 steps x 1 channel(s), FLOAT64, read from"), r[1]);

    Files.writeString(csv, "a,b\n0.5,1\n0.5;x\n");
    String[] bad = run("scan", "--csv", csv.toString());
    assertEquals("2", bad[0]);
    assertTrue(bad[2].contains("expected two numbers 'a,b' on line 3 of " + csv
        + ", found '0.5;x'"), bad[2]);
  }

  @Test
  void badOptions() {
    String[] r = run("scan", "--precision", "float16");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("expected --precision float32 or float64, found 'float16'"), r[2]);
    String[] u = run("scan", "--no-such-option");
    assertEquals("2", u[0]);
    assertTrue(u[2].contains("Unknown option: '--no-such-option'"), u[2]);
    String[] g = run("scan", "--steps", "10", "--backend", "gpu");
    assertEquals("2", g[0]);
    assertTrue(g[2].contains("backend 'gpu'"), g[2]);
    // the Spark jobs reject bad options before starting Spark
    String[] api = run("long-series", "--steps", "10", "--api", "rows");
    assertEquals("2", api[0], api[1] + api[2]);
    assertTrue(api[2].contains("expected --api rdd or dataframe, found 'rows'"), api[2]);
    String[] parts = run("long-series", "--steps", "10", "--partitions", "-3");
    assertEquals("2", parts[0], parts[1] + parts[2]);
    assertTrue(parts[2].contains("expected --partitions >= 0 (0: Spark's default) and"
        + " --check-chunks >= 0, found -3 and 4"), parts[2]);
    String[] hl = run("tick-ema", "--data", "/nonexistent/d", "--out", "/nonexistent/o",
        "--half-life", "0");
    assertEquals("2", hl[0], hl[1] + hl[2]);
    assertTrue(hl[2].contains("expected --half-life of at least 1e-9 seconds (one nanosecond)"
        + " and at most 9.2e9 seconds, found '0'"), hl[2]);
    assertFalse(hl[1].contains("wrote"), hl[1]);
    // below a nanosecond the half-life would round to a zero Duration after the data is written
    String[] tiny = run("tick-ema", "--data", "/nonexistent/d", "--out", "/nonexistent/o",
        "--half-life", "1e-10");
    assertEquals("2", tiny[0], tiny[1] + tiny[2]);
    assertTrue(tiny[2].contains("found '1e-10'"), tiny[2]);
  }
}
