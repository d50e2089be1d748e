package dev.longscan.examples;

import static org.apache.spark.sql.functions.col;

import dev.longscan.Backends;
import dev.longscan.Filters;
import dev.longscan.ParameterException;
import dev.longscan.Sequence;
import dev.longscan.spark.ScanResult;
import dev.longscan.spark.Scans;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A spark-submit job: per-symbol EMA over a generated tick dataset written to Parquet.
 * <pre>
 * spark-submit --class dev.longscan.examples.TickEmaJob \
 *   longscan-examples-VERSION-spark-job.jar --rows 100000000 --data /data/ticks --out /data/ema
 * </pre>
 */
@Command(name = "tick-ema", mixinStandardHelpOptions = true,
    description = {
        "spark-submit job: generate ticks (symbol, ts, price, size) and write them as Parquet,"
            + " read them back, add per-symbol EMAs over the irregular time stamps (plain and"
            + " bias-adjusted, with a half-life), write the result as Parquet, and check a"
            + " symbol against the sequential reference."})
public final class TickEmaJob implements Callable<Integer> {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--rows", defaultValue = "1000000",
      description = "Ticks to generate (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--symbols", defaultValue = "50",
      description = "Symbols (default: ${DEFAULT-VALUE}).")
  int symbols;

  @Option(names = "--partitions", defaultValue = "0",
      description = "Partitions of the generated data (default: Spark's default parallelism).")
  int partitions;

  @Option(names = "--half-life", defaultValue = "30", paramLabel = "SECONDS",
      description = "Half-life in seconds (default: ${DEFAULT-VALUE}).")
  String halfLife;

  @Option(names = "--data", required = true, paramLabel = "DIR",
      description = "Where the generated ticks are written (Parquet).")
  String data;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Where the ticks with their EMAs are written (Parquet). An existing --data or"
          + " --out is replaced only when it is an earlier Spark output (a directory with"
          + " _SUCCESS) or empty, unless --overwrite is given.")
  String outDir;

  @Option(names = "--overwrite", description = "Replace --data and --out whatever they hold.")
  boolean overwrite;

  @Option(names = "--master", defaultValue = "local[*]",
      description = "Master when not run by spark-submit (default: ${DEFAULT-VALUE}).")
  String master;

  @Option(names = "--backend", defaultValue = "auto",
      description = "spark.longscan.backend (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--profile",
      description = "Print, stage by stage, Spark's task metrics (task time, CPU, GC, busy slots).")
  boolean profile;

  public static void main(String[] args) {
    int rc = Main.configure(new CommandLine(new TickEmaJob())).execute(args);
    if (rc != 0) {
      System.exit(rc);
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    // everything that can be checked is checked before Spark starts and the ticks are written
    Duration hl = Checks.seconds("--half-life", halfLife);
    Checks.atLeast("--rows", rows, 0, "");
    Checks.atLeast("--symbols", symbols, 1, "");
    Checks.atLeast("--partitions", partitions, 0, "0: Spark's default");
    boolean dataChecked = OutputDirs.checkBeforeSpark("--data", data, overwrite, master);
    boolean outChecked = OutputDirs.checkBeforeSpark("--out", outDir, overwrite, master);
    Path d = OutputDirs.local(data);
    Path o = OutputDirs.local(outDir);
    if (data.equals(outDir) || d != null && o != null
        && d.toAbsolutePath().normalize().equals(o.toAbsolutePath().normalize())) {
      throw new UserError("expected --data and --out to differ (the job reads --data while it"
          + " writes --out), found both " + data);
    }
    double halfLifeMicros = hl.toNanos() / 1e3;
    Sessions.check(master, backend);
    Progress progress = new Progress(spec.commandLine().getErr(), "tick-ema");
    progress.step("starting Spark (master " + master + ")");
    SparkSession spark;
    try {
      spark = Sessions.start("longscan tick EMA", master, backend);
    } catch (RuntimeException e) {
      progress.close();
      throw e;
    }
    try {
      progress.watch(spark.sparkContext());
      if (!dataChecked) {
        OutputDirs.checkWithHadoop(spark, "--data", data, overwrite);
      }
      if (!outChecked) {
        OutputDirs.checkWithHadoop(spark, "--out", outDir, overwrite);
      }
      int slots = Sessions.awaitExecutors(spark);
      int parts = partitions > 0 ? partitions : slots;
      StageTimes stages = profile ? StageTimes.attach(spark.sparkContext()) : null;
      progress.step(String.format(Locale.ROOT, "generating %,d ticks of %d symbols into %s",
          rows, symbols, data));
      long t0 = System.nanoTime();
      TickData.generate(spark, rows, symbols, parts, 11).write().mode("overwrite").parquet(data);
      long t1 = System.nanoTime();
      LongSeriesJob.printStages(out, stages, slots);
      progress.step("EMA and adjusted EMA per symbol, writing " + outDir);
      Dataset<Row> ticks = spark.read().parquet(data);
      ScanResult ema = Scans.emaHalfLife("price", hl).key("symbol").orderBy("ts").run(ticks);
      Dataset<Row> withAdjusted = ema.dataset().transform(
          Scans.adjustedEmaHalfLife("price", hl).key("symbol").orderBy("ts")
              .output("ema_adjusted").presorted());
      withAdjusted.write().mode("overwrite").parquet(outDir);
      long t2 = System.nanoTime();
      out.printf(Locale.ROOT, "wrote %,d ticks of %d symbols to %s in %s%n", rows, symbols, data,
          Checks.seconds(t1 - t0).trim());
      out.printf(Locale.ROOT, "EMA and adjusted EMA (half-life %s s) of %,d rows written to %s"
          + " in %s = %s (tasks ran on %s)%n", halfLife, ema.rows(), outDir,
          Checks.seconds(t2 - t1).trim(), Checks.rate(ema.rows(), t2 - t1, "rows"),
          String.join(", ", ema.backendsUsed()));
      out.printf(Locale.ROOT, "of which the first EMA's phase 1 (read, summarise) %s and phase 2"
          + " (carries on the driver) %s; the rest is both EMAs' phase 3, the adjusted EMA's"
          + " phases 1-2 and the Parquet write%n", Checks.seconds(ema.phase1Nanos()).trim(),
          Checks.seconds(ema.phase2Nanos()).trim());
      LongSeriesJob.printStages(out, stages, slots);

      // check the first symbol from the written result against the reference
      progress.step("checking symbol " + TickData.symbol(0) + " against the sequential"
          + " reference");
      List<Row> sym = spark.read().parquet(outDir)
          .where(col("symbol").equalTo(TickData.symbol(0))).orderBy("ts")
          .select(functions.unix_micros(col("ts")), col("price"), col("ema"),
              col("ema_adjusted"))
          .collectAsList();
      int n = sym.size();
      double[] t = new double[n];
      double[] x = new double[n];
      double[] e = new double[n];
      double[] ea = new double[n];
      for (int i = 0; i < n; i++) {
        t[i] = sym.get(i).getLong(0);
        x[i] = sym.get(i).getDouble(1);
        e[i] = sym.get(i).getDouble(2);
        ea[i] = sym.get(i).getDouble(3);
      }
      Filters ref = Filters.using(Backends.reference());
      double err = Math.max(
          Checks.maxRelError(e, ref.emaIrregular(Sequence.of(x), t, halfLifeMicros, null)
              .doubleArray()),
          Checks.maxRelError(ea, ref.emaAdjustedIrregular(Sequence.of(x), t,
              halfLifeMicros, null).doubleArray()));
      out.printf(Locale.ROOT, "check: symbol %s (%,d ticks) against the float64 sequential"
          + " reference: max relative error %.2e %s%n", TickData.symbol(0), n, err,
          err <= 1e-9 ? "OK" : "FAILED");
      out.flush();
      if (!(err <= 1e-9) || n == 0 && rows > 0) {
        throw new Checks.Failed("the written EMA differs from the reference by " + err);
      }
      return 0;
    } finally {
      progress.step("stopping Spark");
      progress.done();
      progress.close();
      spark.stop();
    }
  }
}
