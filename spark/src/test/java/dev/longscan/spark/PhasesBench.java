package dev.longscan.spark;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Where a long-format scan's time goes (a program, not a test): over a Parquet input written by
 * {@link dev.longscan.spark.bench.SparkBench}, the best of N runs of
 * <ol>
 *   <li>the identity pass (read key, t, x; write y = x) into the no-op sink;</li>
 *   <li>the same rows through the route phase 3 takes — the DataFrame's {@code RDD<InternalRow>},
 *       a Java {@code mapPartitions}, a DataFrame over that RDD — unchanged;</li>
 *   <li>the same with each row joined to one more double column (what phase 3 emits);</li>
 *   <li>phases 1 and 2 of {@code cumsum(x).key(key).orderBy(t).presorted()};</li>
 *   <li>its phase 3 (evaluating the result into the no-op sink), inline (an expression inside
 *       Spark's generated code, the default) and through the block path
 *       ({@code spark.longscan.inlinePhase3=false}).</li>
 * </ol>
 * <pre>java $OPENS -cp $(test class path) dev.longscan.spark.PhasesBench DIR [runs=5]</pre>
 */
public final class PhasesBench {
  private PhasesBench() {}

  private static double time(Runnable r) {
    long t = System.nanoTime();
    r.run();
    return (System.nanoTime() - t) / 1e9;
  }

  public static void main(String[] args) {
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    SparkSession spark = SparkSession.builder().master("local[*]").appName("phases")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Dataset<Row> df = spark.read().parquet(args[0]);
    StructType s = df.schema();
    StructType joinedSchema = s.add("h", DataTypes.DoubleType, false);
    double[] best = new double[6];
    Arrays.fill(best, Double.MAX_VALUE);
    for (int r = 0; r < runs; r++) {
      double identity = time(() -> df.select(col("key"), col("t"), col("x"),
          col("x").multiply(1.0).as("y")).write().format("noop").mode("overwrite").save());
      RDD<InternalRow> rows = SparkInternals.rows(df);
      JavaRDD<InternalRow> same = rows.toJavaRDD().mapPartitionsWithIndex((i, it) -> it, true);
      double through = time(() -> SparkInternals.dataFrame(spark, same.rdd(), s).write()
          .format("noop").mode("overwrite").save());
      JavaRDD<InternalRow> joined = rows.toJavaRDD().mapPartitionsWithIndex((i, it) -> {
        SpecificInternalRow o = new SpecificInternalRow(new StructType().add("h",
            DataTypes.DoubleType, false));
        JoinedRow jr = new JoinedRow();
        return new Iterator<InternalRow>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public InternalRow next() {
            InternalRow row = it.next();
            o.setDouble(0, row.getDouble(2));
            return jr.apply(row, o);
          }
        };
      }, true);
      double join = time(() -> SparkInternals.dataFrame(spark, joined.rdd(), joinedSchema).write()
          .format("noop").mode("overwrite").save());
      ScanResult[] res = new ScanResult[1];
      double p12 = time(() -> res[0] = Scans.cumsum("x").key("key").orderBy("t").presorted()
          .run(df));
      double p3 = time(() -> res[0].dataset().write().format("noop").mode("overwrite").save());
      spark.conf().set(LongscanConf.INLINE_PHASE3, "false");
      ScanResult blocks = Scans.cumsum("x").key("key").orderBy("t").presorted().run(df);
      spark.conf().unset(LongscanConf.INLINE_PHASE3);
      double p3b = time(() -> blocks.dataset().write().format("noop").mode("overwrite").save());
      double[] v = {identity, through, join, p12, p3, p3b};
      for (int k = 0; k < v.length; k++) {
        best[k] = Math.min(best[k], v[k]);
      }
    }
    System.out.printf(Locale.ROOT, "best of %d, %s:%n| identity pass | rows through the block"
        + " path's route | + joined output column | phases 1+2 | phase 3 inline | phase 3 blocks"
        + " | scan ÷ identity, inline | blocks |%n|---|---|---|---|---|---|---|---|%n"
        + "| %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", runs, args[0], best[0],
        best[1], best[2], best[3], best[4], best[5], (best[3] + best[4]) / best[0],
        (best[3] + best[5]) / best[0]);
    spark.stop();
  }
}
