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

/** {@code longscan scan}: a table of bad inputs, each one line naming what and where, exit 2. */
class ScanBadInputTest {
  @TempDir
  Path tmp;

  @Test
  void badInputs() throws IOException {
    Path missing = tmp.resolve("missing.csv");
    Path badLine = tmp.resolve("bad.csv");
    Files.writeString(badLine, "a,b\n0.5,1\n0.5;x\n");
    Path empty = tmp.resolve("empty.csv");
    Files.writeString(empty, "a,b\n# nothing\n");
    List<BadInput> table = new ArrayList<>(List.of(
        BadInput.row("no such file", List.of("scan", "--csv=" + missing), "no such file",
            missing.toString()),
        BadInput.row("a directory", List.of("scan", "--csv=" + tmp), "found a directory",
            tmp.toString()),
        BadInput.row("a bad line", List.of("scan", "--csv=" + badLine), "line 3 of " + badLine,
            "'0.5;x'"),
        BadInput.row("no data", List.of("scan", "--csv=" + empty), "at least one 'a,b' line",
            empty.toString()),
        BadInput.row("more than the heap", List.of("scan", "--steps=1500000000",
            "--precision=float64"), "--steps=1500000000", "float64 needs", "-Xmx"),
        BadInput.row("no steps", List.of("scan", "--steps=0"), "--steps >= 1", "found 0 x 1"),
        BadInput.row("more steps than an array", List.of("scan", "--steps=3000000000"),
            "found 3000000000 x 1"),
        BadInput.row("no channels", List.of("scan", "--width=0"), "--width >= 1", "x 0"),
        BadInput.row("unknown precision", List.of("scan", "--precision=float16"), "--precision",
            "'float16'"),
        BadInput.row("no timed run", List.of("scan", "--repeat=0"), "--repeat >= 1", "found 0"),
        BadInput.row("negative check", List.of("scan", "--check=-1"), "--check >= 0",
            "found -1"),
        BadInput.row("unknown backend", List.of("scan", "--steps=10", "--backend=tpu"),
            "backend name", "'tpu'"),
        BadInput.row("bad device ordinal", List.of("scan", "--steps=10", "--backend=gpu:x"),
            "device ordinal", "'x'")));
    if (!BadInput.gpuUsable()) {
      table.add(BadInput.row("no GPU here", List.of("scan", "--steps=10", "--backend=gpu"),
          "backend 'gpu'"));
    }
    BadInput.walk(table, false);
    BadInput.parseError(new String[] {"scan", "--steps=ten"}, "--steps", "'ten'");
    BadInput.parseError(new String[] {"scan", "--no-such-option"}, "'--no-such-option'");
  }

  /** NaN in the series is NaN in the scan and in the reference alike: they agree. */
  @Test
  void csvWithNanAgreesWithTheReference() throws IOException {
    Path csv = tmp.resolve("nan.csv");
    StringBuilder sb = new StringBuilder("a,b\n");
    for (int i = 0; i < 1003; i++) {
      sb.append(0.9).append(',').append(i == 500 ? "NaN" : Integer.toString(i % 5 - 2))
          .append('\n');
    }
    Files.writeString(csv, sb);
    String[] r = CliTest.run("scan", "--csv=" + csv, "--precision=float64", "--repeat=1");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("(tolerance 1e-10) OK"), r[1]);
  }

  @Test
  void relativeErrorTreatsEqualNonFiniteValuesAsEqual() {
    double nan = Double.NaN;
    double inf = Double.POSITIVE_INFINITY;
    assertEquals(0.0, Checks.maxRelError(new double[] {nan, inf, -inf, 1}, new double[] {nan, inf,
        -inf, 1}));
    assertEquals(inf, Checks.maxRelError(new double[] {nan}, new double[] {1}));
    assertEquals(inf, Checks.maxRelError(new double[] {1}, new double[] {nan}));
    assertEquals(inf, Checks.maxRelError(new double[] {inf}, new double[] {-inf}));
    assertEquals(0.5, Checks.maxRelError(new double[] {2, 1}, new double[] {1, 1}));
  }

  /** Progress on standard error, results on standard output. */
  @Test
  void progressGoesToStandardError() {
    String[] r = CliTest.run("scan", "--steps=20011", "--repeat=1");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[2].contains("longscan scan: [") && r[2].contains("generating 20,011 steps")
        && r[2].contains("checking against"), r[2]);
    assertTrue(r[1].contains("OK") && !r[1].contains("longscan scan: ["), r[1]);
  }
}
