package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Seeded keyed series in (key, t) order: key (string), t (long, strictly increasing within a
 * key, irregular gaps), x and a (doubles), b, g (a discount in (0, 1)); plus ways to lay them
 * out over partitions exactly (so tests choose empty, one-row and straddling partitions).
 */
final class KeyedData {
  static final StructType SCHEMA = new StructType()
      .add("key", DataTypes.StringType, false)
      .add("t", DataTypes.LongType, false)
      .add("x", DataTypes.DoubleType, false)
      .add("a", DataTypes.DoubleType, false)
      .add("b", DataTypes.DoubleType, false)
      .add("g", DataTypes.DoubleType, false);

  final String[] key;
  final long[] t;
  final double[] x;
  final double[] a;
  final double[] b;
  final double[] g;
  /** starts[i]: row i begins a key. */
  final boolean[] starts;

  KeyedData(int[] rowsPerKey, long seed) {
    int n = Arrays.stream(rowsPerKey).sum();
    key = new String[n];
    t = new long[n];
    x = new double[n];
    a = new double[n];
    b = new double[n];
    g = new double[n];
    starts = new boolean[n];
    SplittableRandom r = new SplittableRandom(seed);
    int i = 0;
    for (int k = 0; k < rowsPerKey.length; k++) {
      long time = r.nextLong(1_000_000);
      for (int j = 0; j < rowsPerKey[k]; j++, i++) {
        key[i] = String.format("k%05d", k);
        time += 1 + r.nextLong(50);
        t[i] = time;
        x[i] = 10 * r.nextDouble() - 5;
        double m = 0.3 + 0.68 * r.nextDouble();
        a[i] = r.nextBoolean() ? m : -m;
        b[i] = 2 * r.nextDouble() - 1;
        g[i] = 0.5 + 0.49 * r.nextDouble();
        starts[i] = j == 0;
      }
    }
  }

  /** Random key sizes in [1, maxRows], some keys of exactly one row. */
  static KeyedData random(int keys, int maxRows, long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    int[] sizes = new int[keys];
    for (int k = 0; k < keys; k++) {
      sizes[k] = r.nextInt(5) == 0 ? 1 : 1 + r.nextInt(maxRows);
    }
    return new KeyedData(sizes, seed);
  }

  int rows() {
    return t.length;
  }

  List<Row> rowList() {
    List<Row> rows = new ArrayList<>(rows());
    for (int i = 0; i < rows(); i++) {
      rows.add(RowFactory.create(key[i], t[i], x[i], a[i], b[i], g[i]));
    }
    return rows;
  }

  /**
   * A DataFrame of these rows, in order, cut into partitions at {@code cuts} (partition p holds
   * rows [cuts[p], cuts[p+1]); equal cuts make empty partitions).
   */
  Dataset<Row> frame(SparkSession spark, int[] cuts) {
    List<Row> all = rowList();
    List<List<Row>> parts = new ArrayList<>();
    for (int p = 0; p + 1 < cuts.length; p++) {
      parts.add(new ArrayList<>(all.subList(cuts[p], cuts[p + 1])));
    }
    return partitioned(spark, parts, SCHEMA);
  }

  /** A DataFrame whose partition p holds exactly {@code parts.get(p)}, in order. */
  static Dataset<Row> partitioned(SparkSession spark, List<List<Row>> parts, StructType schema) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> idx = new ArrayList<>();
    for (int p = 0; p < parts.size(); p++) {
      idx.add(p);
    }
    JavaRDD<Row> rdd = jsc.parallelize(idx, Math.max(1, parts.size()))
        .flatMap(p -> parts.get(p).iterator());
    return spark.createDataFrame(rdd, schema);
  }

  /** Cut points for {@code partitions} partitions: random, with empty and one-row ones. */
  static int[] randomCuts(int rows, int partitions, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] cuts = new int[partitions + 1];
    cuts[partitions] = rows;
    for (int p = 1; p < partitions; p++) {
      cuts[p] = r.nextInt(rows + 1);
    }
    Arrays.sort(cuts, 1, partitions);
    // force a few special partitions when there is room: an empty one and a one-row one
    if (partitions >= 4 && rows >= 4) {
      cuts[2] = cuts[1];
      cuts[3] = Math.min(cuts[2] + 1, rows);
      for (int p = 4; p < partitions; p++) {
        cuts[p] = Math.max(cuts[p], cuts[p - 1]);
      }
    }
    return cuts;
  }

  /** The output column of a result, in row order, with the key and t columns checked. */
  double[] column(Dataset<Row> result, String output) {
    List<Row> rows = result.select("key", "t", output).collectAsList();
    assertEquals(rows(), rows.size(), "rows in the result");
    double[] out = new double[rows.size()];
    for (int i = 0; i < out.length; i++) {
      Row r = rows.get(i);
      if (!r.getString(0).equals(key[i]) || r.getLong(1) != t[i]) {
        fail("row " + i + ": expected (" + key[i] + ", " + t[i] + "), found (" + r.getString(0)
            + ", " + r.getLong(1) + ")");
      }
      out[i] = r.getDouble(2);
    }
    return out;
  }

  double[] times() {
    double[] d = new double[t.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = t[i];
    }
    return d;
  }
}
