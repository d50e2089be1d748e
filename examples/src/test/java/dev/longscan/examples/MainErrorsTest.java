package dev.longscan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.BackendUnavailableException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The one place where failures become exit codes ({@link Main#configure}): a user's mistake found
 * anywhere in the cause chain is one line and exit 2; a defect keeps its stack trace.
 */
class MainErrorsTest {
  @CommandLine.Command(name = "throws")
  static final class Throws implements Callable<Integer> {
    final Throwable t;

    Throws(Throwable t) {
      this.t = t;
    }

    @Override
    public Integer call() throws Exception {
      if (t instanceof Error) {
        throw (Error) t;
      }
      throw (Exception) t;
    }
  }

  private static String[] run(Throwable t) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.configure(new CommandLine(new Throws(t)));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int rc = cl.execute();
    return new String[] {Integer.toString(rc), out.toString(), err.toString()};
  }

  @Test
  void theCauseInsideSparksWrappersIsReported() {
    // how a task's failure reaches the driver: wrapped by the task, the stage, the job
    Throwable t = new SparkException("Job aborted due to stage failure: Task 0 in stage 1.0"
        + " failed 1 times, most recent failure: ...\n\tat a.b.C(D.java:1)",
        new RuntimeException("task failed", new BackendUnavailableException(
            "backend 'gpu' is not usable here: no NVIDIA driver")));
    String[] r = run(t);
    assertEquals("2", r[0], r[2]);
    assertEquals("error: backend 'gpu' is not usable here: no NVIDIA driver", r[2].trim());
  }

  @Test
  void fileErrorsNameTheFile() {
    String[] r = run(new java.io.UncheckedIOException(new NoSuchFileException("/no/such")));
    assertEquals("2", r[0], r[2]);
    assertEquals("error: no such file or directory: /no/such; check the path", r[2].trim());
    String[] d = run(new java.nio.file.FileSystemException("/tmp", null, "Is a directory"));
    assertEquals("2", d[0], d[2]);
    assertEquals("error: /tmp: Is a directory", d[2].trim());
  }

  @Test
  void lackOfMemoryIsOneLine() {
    String[] r = run(new OutOfMemoryError("Java heap space"));
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].startsWith("error: ran out of memory (Java heap space; the JVM may use at"
        + " most "), r[2]);
    assertFalse(r[2].contains("\tat "), r[2]);
  }

  @Test
  void aVerificationFailureExitsWith3() {
    String[] r = run(new Checks.Failed("the scan differs from the reference by 0.5"));
    assertEquals("3", r[0], r[2]);
    assertEquals("error: the scan differs from the reference by 0.5", r[2].trim());
  }

  @Test
  void aDefectKeepsItsStackTrace() {
    assertNull(UserError.explain(new IllegalStateException("a bug")));
    String[] r = run(new IllegalStateException("a bug"));
    assertEquals("1", r[0], r[2]);
    assertTrue(r[2].contains("IllegalStateException: a bug") && r[2].contains("\tat "), r[2]);
  }
}
