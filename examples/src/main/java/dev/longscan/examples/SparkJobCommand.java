package dev.longscan.examples;

import dev.longscan.Backends;
import dev.longscan.Filters;
import dev.longscan.Sequence;
import dev.longscan.spark.ScanResult;
import dev.longscan.spark.Scans;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main job: generates a tick dataset in embedded Spark, runs the per-symbol EMA with a
 * half-life over irregular time stamps, checks whole symbols against the sequential reference,
 * and reports rows/s and where the time went.
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
    description = {
        "The main job: in embedded Spark (local mode unless --master says otherwise), generate"
            + " a tick dataset (symbol, ts, price), compute a per-symbol EMA over the irregular"
            + " time stamps with longscan's distributed scan (GPU if present, else CPU), check"
            + " whole symbols against the sequential float64 reference, and print rows/s and"
            + " where the time went."})
final class SparkJobCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--rows", description = "Ticks to generate (default: ${DEFAULT-VALUE}).",
      defaultValue = "5000000")
  long rows;

  @Option(names = "--symbols", description = "Number of symbols (keys) (default:"
      + " ${DEFAULT-VALUE}).", defaultValue = "100")
  int symbols;

  @Option(names = "--partitions", description = "Partitions of the generated data and of the"
      + " sort (default: 2 per core).", defaultValue = "0")
  int partitions;

  @Option(names = "--half-life", paramLabel = "SECONDS", description = "EMA half-life in"
      + " seconds (default: ${DEFAULT-VALUE}).", defaultValue = "60")
  String halfLife;

  @Option(names = "--master", description = "Spark master (default: ${DEFAULT-VALUE}).",
      defaultValue = "local[*]")
  String master;

  @Option(names = "--backend", description = "spark.longscan.backend: auto, cpu, gpu, gpu:N"
      + " (default: ${DEFAULT-VALUE}).", defaultValue = "auto")
  String backend;

  @Option(names = "--output", paramLabel = "DIR",
      description = "Write the result as Parquet here (default: evaluate it into Spark's no-op"
          + " sink). An existing path is replaced only when it is an earlier Spark output (a"
          + " directory with _SUCCESS) or empty, unless --overwrite is given.")
  String output;

  @Option(names = "--overwrite", description = "Replace --output whatever it holds.")
  boolean overwrite;

  @Option(names = "--check-symbols", description = "Symbols checked in full against the"
      + " reference (default: ${DEFAULT-VALUE}; 0 skips the check).", defaultValue = "3")
  int checkSymbols;

  @Option(names = "--seed", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    // everything that can be checked is checked before Spark starts
    Duration hl = Checks.seconds("--half-life", halfLife);
    Checks.atLeast("--rows", rows, 0, "");
    Checks.atLeast("--symbols", symbols, 1, "");
    Checks.atLeast("--partitions", partitions, 0, "0: two per core");
    Checks.atLeast("--check-symbols", checkSymbols, 0, "0 skips the check");
    boolean outputChecked = OutputDirs.checkBeforeSpark("--output", output, overwrite, master);
    Sessions.check(master, backend);
    Progress progress = new Progress(spec.commandLine().getErr(), "spark");
    progress.step("starting Spark (master " + master + ")");
    SparkSession spark;
    try {
      spark = Sessions.start("longscan main job", master, backend);
    } catch (RuntimeException e) {
      progress.close();
      throw e;
    }
    try {
      progress.watch(spark.sparkContext());
      if (!outputChecked) {
        OutputDirs.checkWithHadoop(spark, "--output", output, overwrite);
      }
      int cores = spark.sparkContext().defaultParallelism();
      int parts = partitions > 0 ? partitions : 2 * cores;
      spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(parts));
      out.printf(Locale.ROOT, "Spark %s, master %s, %d task slots; longscan backend setting %s%n",
          spark.version(), spark.sparkContext().master(), cores, backend);
      out.flush();

      progress.step(String.format(Locale.ROOT, "generating and caching %,d ticks of %d symbols",
          rows, symbols));
      long t0 = System.nanoTime();
      Dataset<Row> ticks = TickData.generate(spark, rows, symbols, parts, seed).cache();
      long n = ticks.count();
      long tGen = System.nanoTime() - t0;
      out.printf(Locale.ROOT, "generated %,d ticks of %d symbols in %d partitions (cached)%n", n,
          symbols, parts);
      out.flush();

      long t1 = System.nanoTime();
      progress.step("sorting by (symbol, ts), phase 1 (block summaries), phase 2 (carries)");
      ScanResult res = Scans.emaHalfLife("price", hl)
          .key("symbol").orderBy("ts").output("ema").run(ticks);
      long t2 = System.nanoTime();
      Dataset<Row> result = res.dataset();
      progress.step("phase 3: rescanning and " + (output != null ? "writing " + output
          : "evaluating"));
      if (output != null) {
        result.write().mode("overwrite").parquet(output);
      } else {
        result.write().format("noop").mode("overwrite").save();
      }
      long t3 = System.nanoTime();
      long scanTotal = t3 - t1;

      out.println();
      out.println("where the time went:");
      out.printf("  generate + cache the ticks        %s%n", Checks.seconds(tGen));
      out.printf("  sort by (symbol, ts)              %s  %s%n",
          Checks.seconds(res.prepareNanos()), Checks.percent(res.prepareNanos(), scanTotal));
      out.printf("  phase 1: block summaries          %s  %s%n",
          Checks.seconds(res.phase1Nanos()), Checks.percent(res.phase1Nanos(), scanTotal));
      out.printf("  phase 2: carries on the driver    %s  %s%n",
          Checks.seconds(res.phase2Nanos()), Checks.percent(res.phase2Nanos(), scanTotal));
      long phase3 = (t3 - t2) + (t2 - t1 - res.prepareNanos() - res.phase1Nanos()
          - res.phase2Nanos());
      out.printf("  phase 3: rescan and %-13s %s  %s%n", output != null ? "write" : "evaluate",
          Checks.seconds(phase3), Checks.percent(phase3, scanTotal));
      out.printf("  scan total                        %s  = %s%n", Checks.seconds(scanTotal),
          Checks.rate(n, scanTotal, "rows"));
      out.printf("  tasks ran on: %s; %d partitions, %,d block summaries%n",
          String.join(", ", res.backendsUsed()), res.partitions(), res.blocks());

      out.flush();
      if (checkSymbols == 0) {
        out.println("check: skipped (--check-symbols=0)");
        out.flush();
        return 0;
      }
      progress.step(String.format(Locale.ROOT, "checking %d symbol(s) against the sequential"
          + " reference", Math.min(checkSymbols, symbols)));
      long t4 = System.nanoTime();
      double err = verify(result, hl.toNanos() / 1e3);
      out.printf(Locale.ROOT, "check: %d symbols in full against the float64 sequential"
          + " reference: max relative error %.2e %s [%s]%n", Math.min(checkSymbols, symbols),
          err, err <= 1e-9 ? "OK" : "FAILED", Checks.seconds(System.nanoTime() - t4).trim());
      out.flush();
      if (!(err <= 1e-9)) {
        throw new Checks.Failed("the EMA differs from the reference by " + err);
      }
      return 0;
    } finally {
      progress.step("stopping Spark");
      progress.done();
      progress.close();
      spark.stop();
    }
  }

  /** The EMA of whole symbols, recomputed on the driver with core's Filters (reference). */
  private double verify(Dataset<Row> result, double halfLifeMicros) {
    List<String> names = new ArrayList<>();
    int n = Math.min(checkSymbols, symbols);
    for (int k = 0; k < n; k++) {
      names.add(TickData.symbol((int) ((long) k * symbols / n)));
    }
    // one pass over the result for all checked symbols, in (symbol, ts) order
    List<Row> rowsOf = result.where(functions.col("symbol").isin(names.toArray()))
        .select(functions.col("symbol"), functions.unix_micros(functions.col("ts")),
            functions.col("price"), functions.col("ema"))
        .collectAsList();
    double worst = 0;
    int from = 0;
    while (from < rowsOf.size()) {
      String s = rowsOf.get(from).getString(0);
      int to = from;
      while (to < rowsOf.size() && rowsOf.get(to).getString(0).equals(s)) {
        to++;
      }
      int m = to - from;
      double[] t = new double[m];
      double[] x = new double[m];
      double[] ema = new double[m];
      for (int i = 0; i < m; i++) {
        Row r = rowsOf.get(from + i);
        t[i] = r.getLong(1);
        x[i] = r.getDouble(2);
        ema[i] = r.getDouble(3);
      }
      double[] ref = Filters.using(Backends.reference())
          .emaIrregular(Sequence.of(x), t, halfLifeMicros, null).doubleArray();
      worst = Math.max(worst, Checks.maxRelError(ema, ref));
      from = to;
    }
    if (rows > 0 && rowsOf.isEmpty()) {
      throw new Checks.Failed("no rows of the checked symbols " + names + " in the result");
    }
    return worst;
  }
}
