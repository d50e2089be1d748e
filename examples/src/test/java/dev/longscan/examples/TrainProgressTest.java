package dev.longscan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress line of {@code train}: rate, loss, accuracy, ETA; bar or lines. */
class TrainProgressTest {
  @Test
  void lineShowsRateLossAccuracyAndEta() {
    TrainProgress p = new TrainProgress(new PrintWriter(new StringWriter()), false, 5, 10, 110,
        0);
    // 40 iterations in 8 s: 5 it/s; 60 left: 12 s
    assertEquals("iteration 50/110, 5.00 it/s, loss 0.1235, accuracy 87.5 %, ETA 12 s",
        p.line(50, 0.123456, 0.875, 8));
    assertEquals("iteration 50/110, 5.00 it/s, loss 2.000, ETA 12 s", p.line(50, 2, Double.NaN,
        8));
    assertTrue(p.line(10, 1, 1, 0).endsWith("ETA ?"), "no rate yet");
    // the time budget ends first
    TrainProgress timed = new TrainProgress(new PrintWriter(new StringWriter()), false, 5, 0,
        1000, 10);
    assertTrue(timed.line(4, 1, 1, 8).endsWith("ETA 2 s"), timed.line(4, 1, 1, 8));
    assertEquals("1 min 05 s", TrainProgress.duration(65));
    assertEquals("2 h 01 min", TrainProgress.duration(7260));
  }

  @Test
  void terminalRedrawsOneBarLine() {
    StringWriter w = new StringWriter();
    TrainProgress p = new TrainProgress(new PrintWriter(w), true, 5, 0, 8, 0);
    p.finish(4, 0.5, 0.5);
    String s = w.toString();
    assertTrue(s.startsWith("\r[############............] iteration 4/8"), s);
    assertTrue(s.endsWith(System.lineSeparator()), "the bar's line ends at the finish");
    StringWriter aborted = new StringWriter();
    TrainProgress b = new TrainProgress(new PrintWriter(aborted), true, 5, 0, 8, 0);
    b.abort();
    assertEquals("", aborted.toString(), "nothing drawn, nothing to end");
    StringWriter lines = new StringWriter();
    new TrainProgress(new PrintWriter(lines), false, 5, 0, 8, 0).finish(4, 0.5, 0.5);
    assertTrue(lines.toString().startsWith("longscan train: iteration 4/8"), lines.toString());
    assertFalse(lines.toString().contains("\r"));
  }
}
