package dev.longscan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark jobs of the command line, small, in local mode, each in its own SparkSession: the
 * main job and the long-series job (both APIs) pass their own checks against the reference.
 */
class SparkJobsTest {
  @TempDir
  Path tmp;

  @Test
  void mainJob() {
    String[] r = CliTest.run("spark", "--rows", "30011", "--symbols", "7", "--master",
        "local[2]", "--partitions", "3", "--backend", "cpu", "--output",
        tmp.resolve("out").toString());
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("generated 30,011 ticks of 7 symbols in 3 partitions"), r[1]);
    assertTrue(r[1].contains("where the time went:"), r[1]);
    assertTrue(r[1].matches("(?s).*scan total .*rows/s.*"), r[1]);
    assertTrue(r[1].matches("(?s).*check: 3 symbols in full .* OK.*"), r[1]);
    // never silent: a progress line on standard error as each step starts
    for (String step : new String[] {"starting Spark", "generating and caching", "phase 1",
        "phase 3", "checking 3 symbol(s)"}) {
      assertTrue(r[2].contains(step), "no progress line '" + step + "': " + r[2]);
    }
  }

  @Test
  void longSeriesBothApis() {
    String checksum = null;
    for (String api : new String[] {"rdd", "dataframe"}) {
      String[] r = CliTest.run("long-series", "--steps", "100003", "--chunk-steps", "4099",
          "--partitions", "5", "--master", "local[2]", "--api", api,
          api.equals("rdd") ? "--cache" : "--check-chunks=4", "--warmup", "--profile");
      assertEquals("0", r[0], r[1] + r[2]);
      assertTrue(r[1].contains("100,003 steps in 25 chunks of 4,099 (float32), 5 partitions"),
          r[1]);
      assertTrue(r[1].matches("(?s).*check: chunks \\[0, .* OK.*"), r[1]);
      assertTrue(r[2].contains("longscan long-series: [") && r[2].contains("] scanning 100,003"
          + " steps in 25 chunks"), r[2]);
      // --warmup and --profile: the warm-up line and Spark's task metrics per stage
      assertTrue(r[1].contains("warm-up (2 chunks, one per task slot, untimed)"), r[1]);
      assertTrue(r[1].matches("(?s).*  stage \\d+ \\(.*\\): \\d+ tasks on 1 executor\\(s\\),"
          + " wall .*busy slots [0-9.]+ of 2.*"), r[1]);
      assertEquals(api.equals("dataframe"), r[1].contains("generation alone (100,003 steps"),
          r[1]);
      // both entry points compute the same states, bit for bit
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("checksum of every output bit: ([0-9a-f]{16})").matcher(r[1]);
      assertTrue(m.find(), r[1]);
      if (checksum == null) {
        checksum = m.group(1);
      } else {
        assertEquals(checksum, m.group(1), "RDD and DataFrame results differ");
      }
    }
  }
}
