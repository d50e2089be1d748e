package dev.longscan.examples;

import dev.longscan.Backend;
import dev.longscan.Backends;
import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Core only: one long series (generated, or read from CSV) scanned on one machine. */
@Command(name = "scan", mixinStandardHelpOptions = true,
    description = {
        "Scan one long series h_t = a_t * h_(t-1) + b_t on this machine (no Spark): generate it"
            + " (or read a,b pairs from CSV), run the scan on the chosen backend, check a sample"
            + " of the result against the sequential float64 reference, print throughput."})
final class ScanCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--steps", description = "Steps to generate (default: ${DEFAULT-VALUE}).",
      defaultValue = "10000000")
  long steps;

  @Option(names = "--width", description = "Channels per step (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int width;

  @Option(names = "--csv", paramLabel = "FILE",
      description = "Read the series from CSV instead: one 'a,b' pair per line (one channel), an"
          + " optional header line.")
  Path csv;

  @Option(names = "--backend", description = "auto, cpu, sequential, gpu or gpu:N (default:"
      + " ${DEFAULT-VALUE}).", defaultValue = "auto")
  String backend;

  @Option(names = "--precision", description = "float32 or float64 (default: ${DEFAULT-VALUE}).",
      defaultValue = "float32")
  String precision;

  @Option(names = "--reverse", description = "Scan right to left.")
  boolean reverse;

  @Option(names = "--repeat", description = "Timed runs; the best is reported (default:"
      + " ${DEFAULT-VALUE}).", defaultValue = "3")
  int repeat;

  @Option(names = "--check", description = "Positions checked against the reference (default:"
      + " ${DEFAULT-VALUE}; 0 to skip).", defaultValue = "10000")
  int check;

  @Option(names = "--seed", description = "Seed of the generated series (default:"
      + " ${DEFAULT-VALUE}).", defaultValue = "1")
  long seed;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    // everything that can be checked is checked before any work
    Precision p = parsePrecision(precision);
    Checks.atLeast("--repeat", repeat, 1, "");
    Checks.atLeast("--check", check, 0, "0 skips the check");
    if (csv != null) {
      checkReadable(csv);
    } else {
      checkShape();
      requireMemory((long) steps * width, p);
    }
    try (Backend be = Backends.select(backend);
        Progress progress = new Progress(spec.commandLine().getErr(), "scan")) {
      progress.step(csv != null ? "reading " + csv : String.format(Locale.ROOT,
          "generating %,d steps x %d channel(s)", steps, width));
      long t0 = System.nanoTime();
      Sequence[] ab = csv != null ? readCsv(csv, p) : generate(p);
      Sequence a = ab[0];
      Sequence b = ab[1];
      long genNanos = System.nanoTime() - t0;
      ScanOptions o = reverse ? ScanOptions.reverse() : ScanOptions.defaults();
      out.printf(Locale.ROOT, "series: %,d steps x %d channel(s), %s, %s (%s)%n", a.steps(),
          a.width(), p, csv != null ? "read from " + csv : "generated", Checks.seconds(genNanos)
              .trim());
      out.printf("backend: %s%n", be.describe());
      out.flush();
      progress.step(String.format(Locale.ROOT, "scanning on %s: a warm-up and %d timed run(s)",
          be.name(), repeat));
      Sequence h = a.allocateLike();
      be.scan(a, b, o, h); // warm-up
      long best = Long.MAX_VALUE;
      for (int r = 0; r < repeat; r++) {
        long s = System.nanoTime();
        be.scan(a, b, o, h);
        best = Math.min(best, System.nanoTime() - s);
      }
      double elems = (double) a.size();
      out.printf(Locale.ROOT, "scan: best of %d: %s = %s, %s moved (read a, b; write h)%n",
          repeat, Checks.seconds(best).trim(), Checks.rate(elems, best, "elements"),
          Checks.rate(3 * elems * p.bytes(), best, "B"));
      out.flush();
      if (check > 0) {
        progress.step("checking against the sequential float64 reference");
        verify(out, a, b, o, h, p);
      }
      progress.done();
    }
    out.flush();
    return 0;
  }

  private void checkShape() {
    if (steps < 1 || width < 1 || steps > Integer.MAX_VALUE
        || steps * width > Integer.MAX_VALUE - 8) {
      throw new ParameterException("expected --steps >= 1 and --width >= 1 with steps * width <= "
          + (Integer.MAX_VALUE - 8) + ", found " + steps + " x " + width);
    }
  }

  /** The input must be a readable regular file; the message says which and what to do. */
  static void checkReadable(Path file) {
    String what = " (--csv takes a file of 'a,b' lines)";
    if (!Files.exists(file)) {
      throw new UserError("expected --csv to name an existing file, found no such file: " + file
          + "; check the path" + what);
    }
    if (Files.isDirectory(file)) {
      throw new UserError("expected --csv to name a file, found a directory: " + file
          + "; name a file in it" + what);
    }
    if (!Files.isReadable(file)) {
      throw new UserError("expected --csv to name a file this user may read, found one it may"
          + " not: " + file + "; change its permissions or copy it");
    }
  }

  /**
   * Refuses, before allocating, a series whose arrays (a, b, h, and the reference when checked)
   * do not fit the memory the JVM may still take.
   */
  private void requireMemory(long elements, Precision p) {
    int arrays = check > 0 ? 4 : 3;
    long need = arrays * elements * p.bytes();
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    if (need > free) {
      throw new UserError(String.format(Locale.ROOT, "--steps=%d --width=%d in %s needs %s (%d"
          + " arrays of %,d values: a, b, h%s), more than the %s the JVM may still take (at most"
          + " %s, -Xmx): lower --steps%s, or give the JVM more, e.g. JAVA_OPTS=-Xmx%dg",
          steps, width, p.name().toLowerCase(Locale.ROOT), UserError.bytes(need), arrays,
          elements, arrays == 4 ? " and the reference for --check" : "",
          UserError.bytes(free), UserError.bytes(rt.maxMemory()),
          arrays == 4 ? " or pass --check=0 (one array less)" : "",
          (need + (1L << 30) - 1) / (1L << 30) + 1));
    }
  }

  private void verify(PrintWriter out, Sequence a, Sequence b, ScanOptions o, Sequence h,
      Precision p) {
    long s = System.nanoTime();
    Sequence ref = Backends.reference().scan(a, b, o);
    SplittableRandom r = new SplittableRandom(seed + 17);
    int n = Math.min(check, a.steps());
    double[] got = new double[n * a.width()];
    double[] exp = new double[n * a.width()];
    for (int i = 0; i < n; i++) {
      int t = i == 0 ? a.steps() - 1 : i == 1 ? 0 : r.nextInt(a.steps());
      for (int c = 0; c < a.width(); c++) {
        got[i * a.width() + c] = h.get(t, c);
        exp[i * a.width() + c] = ref.get(t, c);
      }
    }
    double err = Checks.maxRelError(got, exp);
    double tol = p == Precision.FLOAT32 ? 1e-4 : 1e-10;
    out.printf(Locale.ROOT, "check: %,d positions (first, last, random) against the float64"
        + " sequential reference: max relative error %.2e (tolerance %.0e) %s [%s]%n", n, err, tol,
        err <= tol ? "OK" : "FAILED", Checks.seconds(System.nanoTime() - s).trim());
    if (!(err <= tol)) {
      throw new Checks.Failed("the scan differs from the reference by " + err);
    }
  }

  static Precision parsePrecision(String s) {
    switch (s.toLowerCase(Locale.ROOT)) {
      case "float32":
      case "fp32":
        return Precision.FLOAT32;
      case "float64":
      case "fp64":
        return Precision.FLOAT64;
      default:
        throw new ParameterException("expected --precision float32 or float64, found '" + s + "'");
    }
  }

  private Sequence[] generate(Precision p) {
    checkShape();
    int n = (int) steps;
    Sequence a = Sequence.allocate(p, n, width);
    Sequence b = Sequence.allocate(p, n, width);
    // |a| in [0.5, 1): stable, and long memory so that carries matter
    SplittableRandom r = new SplittableRandom(seed);
    for (int t = 0; t < n; t++) {
      for (int c = 0; c < width; c++) {
        a.set(t, c, 0.5 + 0.4999 * r.nextDouble());
        b.set(t, c, 2 * r.nextDouble() - 1);
      }
    }
    return new Sequence[] {a, b};
  }

  static Sequence[] readCsv(Path file, Precision p) throws IOException {
    checkReadable(file);
    double[] a = new double[1 << 16];
    double[] b = new double[1 << 16];
    int n = 0;
    int line = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String s = in.readLine(); s != null; s = in.readLine()) {
        line++;
        s = s.trim();
        if (s.isEmpty() || s.startsWith("#")) {
          continue;
        }
        String[] f = s.split("\\s*[,;\\t]\\s*");
        double x;
        double y;
        try {
          if (f.length != 2) {
            throw new NumberFormatException();
          }
          x = Double.parseDouble(f[0]);
          y = Double.parseDouble(f[1]);
        } catch (NumberFormatException e) {
          if (n == 0 && line == 1) {
            continue; // a header line
          }
          throw new ParameterException("expected two numbers 'a,b' on line " + line + " of "
              + file + ", found '" + s + "'");
        }
        if (n == a.length) {
          a = java.util.Arrays.copyOf(a, 2 * n);
          b = java.util.Arrays.copyOf(b, 2 * n);
        }
        a[n] = x;
        b[n] = y;
        n++;
      }
    }
    if (n == 0) {
      throw new ParameterException("expected at least one 'a,b' line in " + file + ", found none");
    }
    Sequence sa = Sequence.allocate(p, n, 1);
    Sequence sb = Sequence.allocate(p, n, 1);
    Sequence.of(java.util.Arrays.copyOf(a, n)).copyTo(sa);
    Sequence.of(java.util.Arrays.copyOf(b, n)).copyTo(sb);
    return new Sequence[] {sa, sb};
  }
}
