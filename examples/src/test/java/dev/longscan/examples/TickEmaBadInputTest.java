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
 * {@code longscan tick-ema}: a table of bad inputs, each rejected before Spark starts with one
 * line naming what and where, exit 2 (an existing file given as --data is left as it was); and
 * one small run that replaces it when told to.
 */
class TickEmaBadInputTest {
  @TempDir
  Path tmp;

  @Test
  void badInputs() throws IOException {
    Path file = Files.writeString(tmp.resolve("ticks.txt"), "keep me");
    Path unrelated = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(unrelated.resolve("notes.txt"), "mine");
    String data = "--data=" + tmp.resolve("d");
    String out = "--out=" + tmp.resolve("o");
    List<BadInput> table = new ArrayList<>(List.of(
        BadInput.row("data is an existing file", List.of("tick-ema", "--data=" + file, out),
            "--data=" + file, "existing file", "--overwrite"),
        BadInput.row("data holds other data", List.of("tick-ema", "--data=" + unrelated, out),
            "--data=" + unrelated, "no _SUCCESS"),
        BadInput.row("out is an existing file", List.of("tick-ema", data, "--out=" + file),
            "--out=" + file, "existing file"),
        BadInput.row("data and out alike", List.of("tick-ema", data, "--out=" + tmp.resolve("d")),
            "--data and --out to differ", tmp.resolve("d").toString()),
        BadInput.row("NaN half-life", List.of("tick-ema", data, out, "--half-life=NaN"),
            "--half-life", "found 'NaN'"),
        BadInput.row("sub-nanosecond half-life", List.of("tick-ema", data, out,
            "--half-life=1e-10"), "--half-life", "found '1e-10'"),
        BadInput.row("negative rows", List.of("tick-ema", data, out, "--rows=-1"),
            "--rows >= 0", "found -1"),
        BadInput.row("no symbols", List.of("tick-ema", data, out, "--symbols=0"),
            "--symbols >= 1", "found 0"),
        BadInput.row("negative partitions", List.of("tick-ema", data, out, "--partitions=-2"),
            "--partitions >= 0", "found -2"),
        BadInput.row("unknown master", List.of("tick-ema", data, out, "--master=bogus"),
            "--master", "'bogus'"),
        BadInput.row("unknown backend", List.of("tick-ema", data, out, "--backend=tpu"),
            "--backend", "'tpu'")));
    if (!BadInput.gpuUsable()) {
      table.add(BadInput.row("no GPU here", List.of("tick-ema", data, out, "--backend=gpu"),
          "--backend=gpu cannot run here"));
    }
    BadInput.walk(table, true);
    assertEquals("keep me", Files.readString(file));
    assertEquals("mine", Files.readString(unrelated.resolve("notes.txt")));
    BadInput.parseError(new String[] {"tick-ema", data}, "Missing required option", "--out");
  }

  @Test
  void overwriteReplacesAnExistingFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("ticks"), "old");
    Path out = tmp.resolve("ema");
    String[] r = CliTest.run("tick-ema", "--data=" + file, "--out=" + out, "--overwrite",
        "--rows=2003", "--symbols=3", "--partitions=2", "--master=local[2]", "--backend=cpu");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(Files.exists(file.resolve("_SUCCESS")) && Files.exists(out.resolve("_SUCCESS")));
    assertTrue(r[1].matches("(?s).*check: symbol S00000 .* OK.*"), r[1]);
    assertTrue(r[2].contains("longscan tick-ema: [") && r[2].contains("generating 2,003 ticks"),
        r[2]);
  }
}
