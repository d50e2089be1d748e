package dev.longscan.examples;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code longscan long-series}: a table of bad inputs, each rejected before Spark starts with one
 * line naming what and where, exit 2. (Its small runs are in {@link SparkJobsTest}.)
 */
class LongSeriesBadInputTest {
  @Test
  void badInputs() {
    List<BadInput> table = new ArrayList<>(List.of(
        BadInput.row("no steps", List.of("long-series", "--steps=0"), "--steps >= 1",
            "found 0"),
        BadInput.row("no chunk steps", List.of("long-series", "--chunk-steps=0"),
            "--chunk-steps >= 1", "and 0"),
        BadInput.row("unknown api", List.of("long-series", "--api=rows"), "--api",
            "'rows'"),
        BadInput.row("negative partitions", List.of("long-series", "--partitions=-3"),
            "--partitions >= 0", "found -3"),
        BadInput.row("negative check", List.of("long-series", "--check-chunks=-1"),
            "--check-chunks >= 0", "and -1"),
        BadInput.row("unknown precision", List.of("long-series", "--precision=half"),
            "--precision", "'half'"),
        BadInput.row("more chunks than a list", List.of("long-series", "--steps=100000000000000",
            "--chunk-steps=1"), "chunks", "found 100000000000000", "--chunk-steps"),
        BadInput.row("unknown master", List.of("long-series", "--master=bogus"), "--master",
            "'bogus'"),
        BadInput.row("unknown backend", List.of("long-series", "--backend=tpu"), "--backend",
            "'tpu'")));
    if (!BadInput.gpuUsable()) {
      table.add(BadInput.row("no GPU here", List.of("long-series", "--backend=gpu"),
          "--backend=gpu cannot run here"));
    }
    BadInput.walk(table, true);
    BadInput.parseError(new String[] {"long-series", "--chunk-steps=1.5"}, "--chunk-steps",
        "'1.5'");
  }
}
