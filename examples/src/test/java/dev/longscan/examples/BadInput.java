package dev.longscan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backend;
import dev.longscan.Backends;
import dev.longscan.LongscanException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** A row of a command's bad-input table, and the checks every row gets. */
final class BadInput {
  final String what;
  final String[] args;
  final String[] names;

  private BadInput(String what, String[] args, String[] names) {
    this.what = what;
    this.args = args;
    this.names = names;
  }

  /** {@code args} (a command line), then the fragments its error line must name. */
  static BadInput row(String what, List<String> args, String... names) {
    return new BadInput(what, args.toArray(new String[0]), names);
  }

  /**
   * Runs every row: exit code 2, standard error one line "error: …" naming each fragment, no
   * stack trace, nothing on standard output; with {@code beforeSpark}, rejected before Spark
   * starts.
   */
  static void walk(List<BadInput> table, boolean beforeSpark) {
    for (BadInput r : table) {
      String[] res = CliTest.run(r.args);
      String where = r.what + " (" + String.join(" ", r.args) + "): ";
      assertEquals("2", res[0], where + res[1] + res[2]);
      assertFalse(res[2].contains("\tat ") || res[2].contains("Caused by"),
          where + "a stack trace: " + res[2]);
      List<String> errors = Arrays.stream(res[2].split("\n"))
          .filter(l -> l.startsWith("error: ")).collect(Collectors.toList());
      assertEquals(1, errors.size(), where + res[2]);
      for (String n : r.names) {
        assertTrue(errors.get(0).contains(n), where + "'" + errors.get(0) + "' lacks '" + n
            + "'");
      }
      assertEquals("", res[1].trim(), where + "output: " + res[1]);
      if (beforeSpark) {
        assertFalse(res[2].contains("starting Spark"), where + "Spark started: " + res[2]);
      }
    }
  }

  /** A row for picocli's own parse errors (message, then the usage), also exit code 2. */
  static void parseError(String[] args, String... names) {
    String[] res = CliTest.run(args);
    assertEquals("2", res[0], res[1] + res[2]);
    for (String n : names) {
      assertTrue(res[2].contains(n), "'" + res[2] + "' lacks '" + n + "'");
    }
    assertFalse(res[2].contains("\tat "), res[2]);
  }

  /** True when this machine can open the GPU backend. */
  static boolean gpuUsable() {
    try (Backend b = Backends.select("gpu")) {
      return b != null;
    } catch (LongscanException | LinkageError e) {
      return false;
    }
  }
}
