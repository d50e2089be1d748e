package dev.longscan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.nn.LayerKind;
import dev.longscan.nn.Solver;
import dev.longscan.tasks.Rng;
import dev.longscan.tasks.Target;
import dev.longscan.tasks.TwoB;
import dev.longscan.train.Evaluation;
import dev.longscan.train.Model;
import dev.longscan.train.ModelConfig;
import dev.longscan.train.ModelFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code longscan train} and {@code longscan evaluate} on small models (T <= 32). */
class TrainCommandTest {
  @TempDir
  Path tmp;

  /** A small 2b run: T = 9, 8 hidden, batch 8, unless {@code more} names another. */
  private static List<String> small(Path out, String... more) {
    List<String> given = List.of(more);
    List<String> a = new ArrayList<>(List.of("train", "--out", out.toString()));
    String[][] defaults = {{"-T", "9"}, {"--hidden", "8"}, {"--batch", "8"}};
    for (String[] d : defaults) {
      if (!given.contains(d[0])) {
        a.addAll(List.of(d));
      }
    }
    a.addAll(given);
    return a;
  }

  private static String[] run(List<String> args) {
    return CliTest.run(args.toArray(new String[0]));
  }

  /** Rows of a log: iteration, loss, accuracy (NaN when empty), elapsed. */
  static List<double[]> rows(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    assertEquals(TrainLog.HEADER, lines.get(0));
    List<double[]> rows = new ArrayList<>();
    for (String s : lines.subList(1, lines.size())) {
      String[] f = s.split(",", -1);
      assertEquals(4, f.length, s);
      rows.add(new double[] {Long.parseLong(f[0]), Double.parseDouble(f[1]),
          f[2].isEmpty() ? Double.NaN : Double.parseDouble(f[2]), Double.parseDouble(f[3])});
    }
    return rows;
  }

  private static List<String> losses(Path csv) throws IOException {
    List<String> l = new ArrayList<>();
    for (String s : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
      String[] f = s.split(",", -1);
      l.add(f[0] + "," + f[1] + "," + f[2]);
    }
    return l;
  }

  @Test
  void helpNamesTheOptions() {
    for (String cmd : new String[] {"train", "evaluate"}) {
      String[] r = CliTest.run(cmd, "--help");
      assertEquals("0", r[0], r[2]);
      assertEquals("", r[2], "no warning while formatting the help");
      assertTrue(r[1].startsWith("Usage: longscan " + cmd), r[1]);
    }
    String train = CliTest.run("train", "--help")[1];
    for (String o : new String[] {"--model", "--layers", "--hidden", "--steps", "--batch", "--lr",
        "--clip", "--backend", "--seed", "--iterations", "--time", "--checkpoint-every",
        "--checkpoint", "--resume", "--task", "--overwrite", "100 % accuracy"}) {
      assertTrue(train.contains(o), o + " in " + train);
    }
  }

  @Test
  void trainWritesLogPlotAndModelThatEvaluateReads() throws IOException {
    Path out = tmp.resolve("run");
    String[] r = run(small(out, "--iterations", "7", "--checkpoint-every", "3"));
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("iteration budget reached after 7 iterations"), r[1]);
    assertTrue(r[2].contains("longscan train: iteration 7/7"), r[2]);

    List<double[]> rows = rows(out.resolve(TrainCommand.LOG));
    assertEquals(7, rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(i + 1, rows.get(i)[0]);
      assertTrue(rows.get(i)[1] > 0 && Double.isFinite(rows.get(i)[1]));
      double acc = rows.get(i)[2] * 8; // batch 8: a multiple of 1/8
      assertEquals(Math.rint(acc), acc, 1e-12);
      assertTrue(i == 0 || rows.get(i)[3] >= rows.get(i - 1)[3], "elapsed grows");
    }
    BufferedImage png = ImageIO.read(out.resolve(TrainCommand.PLOT).toFile());
    assertNotNull(png, "a readable PNG");
    assertEquals(900, png.getWidth());
    assertEquals(500, png.getHeight());

    Compute cc = Compute.cpu(Precision.FLOAT32, Backends.cpu());
    ModelConfig expected = ModelConfig.stack(LayerKind.GILR_LSTM, 2, TwoB.DIMENSIONS, 8, 1, 2,
        Target.CLASS_LAST);
    Model model = ModelFile.load(out.resolve(TrainCommand.MODEL), cc, expected);
    assertNull(expected.difference(model.config()));
    assertTrue(Files.isRegularFile(out.resolve(TrainCommand.CHECKPOINT)));

    // evaluate prints the mean over its minibatches of the loaded model's evaluation
    String[] e = CliTest.run("evaluate", "--model-file", out.resolve(TrainCommand.MODEL)
        .toString(), "-T", "11", "--batch", "5", "--batches", "3", "--seed", "42");
    assertEquals("0", e[0], e[1] + e[2]);
    Rng rng = Rng.seeded(42);
    double loss = 0;
    double acc = 0;
    for (int i = 0; i < 3; i++) {
      Evaluation ev = model.evaluate(new TwoB().next(rng, 11, 5, Precision.FLOAT32));
      loss += ev.loss() / 3;
      acc += ev.accuracy() / 3;
    }
    assertTrue(e[1].contains("task 2b, 3 minibatches x 5 sequences, T = 11, seed 42"), e[1]);
    assertTrue(e[1].contains(String.format(Locale.ROOT, "loss %.6g, accuracy %.2f %%", loss,
        100 * acc)), e[1] + " against loss " + loss + ", accuracy " + acc);

    // --min-accuracy above what it reaches is a failed check: exit 3
    if (acc < 1) {
      String[] f = CliTest.run("evaluate", "--model-file", out.resolve(TrainCommand.MODEL)
          .toString(), "-T", "11", "--batch", "5", "--batches", "3", "--seed", "42",
          "--min-accuracy", "1");
      assertEquals("3", f[0], f[1] + f[2]);
      assertTrue(f[2].contains("is below --min-accuracy=1.0"), f[2]);
    }
  }

  /** Stops at the first 5 consecutive minibatches at 100 % accuracy, well before the budget. */
  @Test
  void gruTrainedByDeerWritesItsLogAndModel() throws IOException {
    for (String solver : new String[] {"deer", "quasi"}) {
      Path out = tmp.resolve("deer-" + solver);
      String[] r = run(small(out, "--model", "gru", "--solver", solver, "--layers", "2",
          "--hidden", "5", "--batch", "3", "--iterations", "3", "--precision", "float64"));
      assertEquals("0", r[0], r[1] + r[2]);
      assertTrue(r[1].contains("2 x gru by " + solver), r[1]);
      List<double[]> rows = rows(out.resolve(TrainCommand.LOG));
      assertEquals(3, rows.size());
      for (double[] row : rows) {
        assertTrue(row[1] > 0 && Double.isFinite(row[1]), "loss " + row[1]);
      }
      Compute cc = Compute.cpu(Precision.FLOAT64, Backends.cpu());
      Model model = ModelFile.load(out.resolve(TrainCommand.MODEL), cc);
      assertEquals(Solver.of(solver), model.config().solver());
      // resuming with another solver names the difference
      String[] again = run(small(out, "--model", "gru", "--solver", "sequential", "--layers",
          "2", "--hidden", "5", "--batch", "3", "--iterations", "4", "--precision", "float64",
          "--resume"));
      assertEquals("2", again[0], again[1] + again[2]);
      assertTrue(again[2].contains("--solver"), again[2]);
    }
  }

  @Test
  void classificationStopsAtConvergence() throws IOException {
    Path out = tmp.resolve("conv");
    String[] r = run(List.of("train", "-T", "17", "--hidden", "16", "--batch", "16",
        "--iterations", "300", "--out", out.toString()));
    assertEquals("0", r[0], r[1] + r[2]);
    List<double[]> rows = rows(out.resolve(TrainCommand.LOG));
    int n = rows.size();
    assertTrue(n >= 5 && n < 300, "converged within the budget: " + n);
    assertTrue(r[1].contains("converged after " + n + " iterations"), r[1]);
    int streak = 0;
    for (int i = 0; i < n; i++) {
      streak = rows.get(i)[2] == 1.0 ? streak + 1 : 0;
      assertTrue(streak < 5 || i == n - 1, "5 at 100 % before the end, at " + (i + 1));
    }
    assertEquals(5, streak, "ends on 5 at 100 %");
    String[] e = CliTest.run("evaluate", "--model-file", out.resolve(TrainCommand.MODEL)
        .toString(), "-T", "17", "--min-accuracy", "0.9");
    assertEquals("0", e[0], e[1] + e[2]);
  }

  @Test
  void timeBudgetStopsTheRun() throws IOException {
    Path out = tmp.resolve("timed");
    // regression with --loss-threshold 0 never converges: only the time can stop it
    String[] r = run(small(out, "--task", "adding", "--loss-threshold", "0", "--iterations",
        "1000000", "--time", "0.3"));
    assertEquals("0", r[0], r[1] + r[2]);
    int n = rows(out.resolve(TrainCommand.LOG)).size();
    assertTrue(r[1].contains("time budget reached after " + n + " iterations"), r[1]);
    assertTrue(n >= 1 && n < 1000000);
    assertTrue(Files.exists(out.resolve(TrainCommand.MODEL)));
  }

  /** Regression stops at 5 consecutive minibatches at or below --loss-threshold. */
  @Test
  void regressionStopsAtTheLossThreshold() throws IOException {
    Path out = tmp.resolve("adding");
    String[] r = run(List.of("train", "--task", "adding", "-T", "10", "--hidden", "16",
        "--batch", "32", "--iterations", "400", "--loss-threshold", "0.1", "--out",
        out.toString()));
    assertEquals("0", r[0], r[1] + r[2]);
    List<double[]> rows = rows(out.resolve(TrainCommand.LOG));
    int n = rows.size();
    assertTrue(n < 400 && r[1].contains("converged after " + n), r[1]);
    int streak = 0;
    for (int i = 0; i < n; i++) {
      assertTrue(Double.isNaN(rows.get(i)[2]), "no accuracy for regression");
      streak = rows.get(i)[1] <= 0.1 ? streak + 1 : 0;
      assertTrue(streak < 5 || i == n - 1, "5 at the threshold before the end, at " + (i + 1));
    }
    assertEquals(5, streak);
    String[] e = CliTest.run("evaluate", "--model-file", out.resolve(TrainCommand.MODEL)
        .toString(), "-T", "10");
    assertEquals("0", e[0], e[1] + e[2]);
    assertTrue(e[1].contains("task adding") && !e[1].contains("accuracy"), e[1]);
  }

  /**
   * A run stopped and resumed logs the unbroken run's losses bit for bit, also when resumed from
   * an older checkpoint than the log's end (the later rows are dropped and redone).
   */
  @Test
  void resumedRunEqualsUnbrokenRun() throws IOException {
    Path whole = tmp.resolve("whole");
    assertEquals("0", run(small(whole, "--iterations", "11", "--model", "sru"))[0]);

    Path parts = tmp.resolve("parts");
    String[] a = run(small(parts, "--iterations", "4", "--model", "sru"));
    assertEquals("0", a[0], a[2]);
    Path ckpt = parts.resolve(TrainCommand.CHECKPOINT);
    Path at4 = tmp.resolve("at4.lsc");
    Files.copy(ckpt, at4);
    String[] b = run(small(parts, "--iterations", "7", "--model", "sru", "--resume"));
    assertEquals("0", b[0], b[2]);
    assertTrue(b[1].contains("resumed at iteration 4"), b[1]);
    assertEquals(7, rows(parts.resolve(TrainCommand.LOG)).size());
    // back to the checkpoint at 4: rows 5..7 are dropped and redone
    Files.copy(at4, ckpt, StandardCopyOption.REPLACE_EXISTING);
    String[] c = run(small(parts, "--iterations", "11", "--model", "sru", "--resume"));
    assertEquals("0", c[0], c[2]);
    assertEquals(losses(whole.resolve(TrainCommand.LOG)), losses(parts.resolve(TrainCommand.LOG)));
    assertEquals(Files.readAllBytes(whole.resolve(TrainCommand.MODEL)).length,
        Files.readAllBytes(parts.resolve(TrainCommand.MODEL)).length);
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(whole.resolve(TrainCommand.MODEL)),
        Files.readAllBytes(parts.resolve(TrainCommand.MODEL))), "the same model file");
  }

  @Test
  void resumingWithOtherOptionsNamesTheDifference() throws IOException {
    Path out = tmp.resolve("r");
    assertEquals("0", run(small(out, "--iterations", "3"))[0]);
    BadInput.walk(List.of(
        BadInput.row("other hidden", small(out, "--resume", "--hidden", "12"),
            "--hidden=8", "--hidden=12", out.resolve(TrainCommand.CHECKPOINT).toString()),
        BadInput.row("other lr", small(out, "--resume", "--lr", "0.02"), "--lr=0.01",
            "--lr=0.02"),
        BadInput.row("other model", small(out, "--resume", "--model", "qrnn"),
            "--model=gilr-lstm", "--model=qrnn")), false);
    // without the options file the checkpoint's own comparison names both
    Files.delete(TrainCommand.optionsFile(out.resolve(TrainCommand.CHECKPOINT)));
    BadInput.walk(List.of(
        BadInput.row("other batch, no options file", small(out, "--resume", "--batch", "6"),
            "batch=8", "batch=6")), false);
  }

  /** A non-finite loss stops the run naming the iteration; the last good checkpoint stays. */
  @Test
  void nonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws IOException {
    Path out = tmp.resolve("nan");
    String[] r = run(small(out, "--lr", "1e38", "--clip", "0", "--checkpoint-every", "1",
        "--iterations", "20"));
    assertEquals("2", r[0], r[1] + r[2]);
    Matcher m = Pattern.compile("error: training stopped: non-finite loss \\S+ at iteration"
        + " (\\d+);.*kept the last good checkpoint (\\S+) \\(iteration (\\d+)\\)").matcher(r[2]);
    assertTrue(m.find(), r[2]);
    long bad = Long.parseLong(m.group(1));
    assertEquals(bad - 1, Long.parseLong(m.group(3)));
    assertEquals(out.resolve(TrainCommand.CHECKPOINT).toString(), m.group(2));
    assertFalse(r[2].contains("\tat "), r[2]);
    assertEquals(bad - 1, rows(out.resolve(TrainCommand.LOG)).size());
    assertFalse(Files.exists(out.resolve(TrainCommand.MODEL)), "no model of a failed run");
    // the kept checkpoint resumes (and meets the same loss again)
    String[] again = run(small(out, "--lr", "1e38", "--clip", "0", "--checkpoint-every", "1",
        "--iterations", "20", "--resume"));
    assertEquals("2", again[0], again[2]);
    assertTrue(again[2].contains("at iteration " + bad), again[2]);
  }

  @Test
  void trainBadInputs() throws IOException {
    Path out = tmp.resolve("o");
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "x");
    Path earlier = tmp.resolve("earlier");
    assertEquals("0", run(small(earlier, "--iterations", "1"))[0]);
    Path fresh = tmp.resolve("fresh");
    BadInput.walk(List.of(
        BadInput.row("unknown model", small(out, "--model", "transformer"), "--model",
            "'transformer'"),
        BadInput.row("dense model", small(out, "--model", "dense"), "--model", "'dense'"),
        BadInput.row("unknown task", small(out, "--task", "copy"), "--task", "'copy'"),
        BadInput.row("no layers", small(out, "--layers", "0"), "--layers >= 1", "found 0"),
        BadInput.row("no hidden", small(out, "--hidden", "0"), "--hidden >= 1", "found 0"),
        BadInput.row("no steps", small(out, "-T", "0"), "--steps >= 1", "found 0"),
        BadInput.row("no batch", small(out, "--batch", "-3"), "--batch >= 1", "found -3"),
        BadInput.row("too large", small(out, "-T", "100000", "--batch", "100000"),
            "--steps=100000", "--batch=100000"),
        BadInput.row("zero lr", small(out, "--lr", "0"), "--lr > 0", "found 0.0"),
        BadInput.row("NaN lr", small(out, "--lr", "NaN"), "--lr > 0", "found NaN"),
        BadInput.row("infinite lr", small(out, "--lr", "Infinity"), "--lr", "found Infinity"),
        BadInput.row("negative clip", small(out, "--clip", "-1"), "--clip >= 0", "found -1.0"),
        BadInput.row("negative threshold", small(out, "--loss-threshold", "-0.5"),
            "--loss-threshold >= 0", "found -0.5"),
        BadInput.row("unknown optimizer", small(out, "--optimizer", "rmsprop"), "--optimizer",
            "'rmsprop'"),
        BadInput.row("no iterations", small(out, "--iterations", "0"), "--iterations >= 1",
            "found 0"),
        BadInput.row("negative time", small(out, "--time", "-2"), "--time >= 0", "found -2.0"),
        BadInput.row("negative interval", small(out, "--checkpoint-every", "-1"),
            "--checkpoint-every >= 0", "found -1"),
        BadInput.row("zero progress interval", small(out, "--progress-every", "0"),
            "--progress-every > 0", "found 0.0"),
        BadInput.row("bad precision", small(out, "--precision", "float16"), "--precision",
            "'float16'"),
        BadInput.row("gpu backend", small(out, "--backend", "gpu"), "--backend cpu or"
            + " sequential", "'gpu'"),
        BadInput.row("width for gilr", small(out, "--filter-width", "3"), "--filter-width",
            "qrnn only", "--model=gilr-lstm"),
        BadInput.row("solver for lstm", small(out, "--model", "lstm", "--solver", "deer"),
            "--solver is for --model gru only", "--solver=deer", "--model=lstm"),
        BadInput.row("solver for default model", small(out, "--solver", "sequential"),
            "--solver is for --model gru only", "--model=gilr-lstm"),
        BadInput.row("unknown solver", small(out, "--model", "gru", "--solver", "newton"),
            "--solver", "'newton'"),
        BadInput.row("zero qrnn width", small(out, "--model", "qrnn", "--filter-width", "0"),
            "--filter-width >= 1", "found 0"),
        BadInput.row("out is a file", small(file), "--out=" + file, "existing file"),
        BadInput.row("earlier run", small(earlier), "--out=" + earlier, "earlier run",
            "--overwrite", "--resume"),
        BadInput.row("resume without checkpoint", small(fresh, "--resume"), "--resume",
            "no such file", fresh.resolve(TrainCommand.CHECKPOINT).toString()),
        BadInput.row("resume and overwrite", small(earlier, "--resume", "--overwrite"),
            "--overwrite and --resume")), false);
    assertFalse(Files.exists(out), "nothing written for a bad option");
    assertFalse(Files.exists(fresh));
    BadInput.parseError(small(out, "--lr", "fast").toArray(new String[0]), "--lr", "'fast'");
    BadInput.parseError(small(out, "--no-such").toArray(new String[0]), "'--no-such'");
    // --overwrite replaces the earlier run
    assertEquals("0", run(small(earlier, "--iterations", "2", "--overwrite"))[0]);
    assertEquals(2, rows(earlier.resolve(TrainCommand.LOG)).size());
  }

  @Test
  void evaluateBadInputs() throws IOException {
    Path run = tmp.resolve("m");
    assertEquals("0", run(small(run, "--iterations", "1"))[0]);
    Path model = run.resolve(TrainCommand.MODEL);
    byte[] good = Files.readAllBytes(model);
    Path corrupt = tmp.resolve("corrupt.lsm");
    byte[] c = good.clone();
    c[c.length / 2] ^= 0x10;
    Files.write(corrupt, c);
    Path truncated = tmp.resolve("truncated.lsm");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 100));
    Path text = tmp.resolve("text.lsm");
    Files.writeString(text, "not a model file at all\n");
    Path empty = tmp.resolve("empty.lsm");
    Files.write(empty, new byte[0]);
    Path missing = tmp.resolve("missing.lsm");
    String m = model.toString();
    BadInput.walk(List.of(
        BadInput.row("missing file", List.of("evaluate", "--model-file", missing.toString()),
            "--model-file", "no such file", missing.toString()),
        BadInput.row("a directory", List.of("evaluate", "--model-file", run.toString()),
            "found a directory", "did you mean " + model),
        BadInput.row("corrupted", List.of("evaluate", "--model-file", corrupt.toString()),
            corrupt.toString(), "corrupted"),
        BadInput.row("truncated", List.of("evaluate", "--model-file", truncated.toString()),
            truncated.toString()),
        BadInput.row("not a model", List.of("evaluate", "--model-file", text.toString()),
            text.toString()),
        BadInput.row("empty", List.of("evaluate", "--model-file", empty.toString()),
            empty.toString()),
        BadInput.row("a checkpoint", List.of("evaluate", "--model-file",
            run.resolve(TrainCommand.CHECKPOINT).toString()), TrainCommand.CHECKPOINT),
        BadInput.row("other task", List.of("evaluate", "--model-file", m, "--task", "adding"),
            "--task=adding", "2 inputs", "128"),
        BadInput.row("unknown task", List.of("evaluate", "--model-file", m, "--task", "x"),
            "--task", "'x'"),
        BadInput.row("no steps", List.of("evaluate", "--model-file", m, "-T", "0"),
            "--steps >= 1", "found 0"),
        BadInput.row("no batch", List.of("evaluate", "--model-file", m, "--batch", "0"),
            "--batch >= 1"),
        BadInput.row("no batches", List.of("evaluate", "--model-file", m, "--batches", "0"),
            "--batches >= 1"),
        BadInput.row("bad precision", List.of("evaluate", "--model-file", m, "--precision",
            "half"), "--precision", "'half'"),
        BadInput.row("bad backend", List.of("evaluate", "--model-file", m, "--backend", "gpu"),
            "--backend", "'gpu'"),
        BadInput.row("accuracy above 1", List.of("evaluate", "--model-file", m,
            "--min-accuracy", "1.5"), "--min-accuracy in [0, 1]", "found 1.5")), false);
    BadInput.parseError(new String[] {"evaluate"}, "--model-file");
  }
}
