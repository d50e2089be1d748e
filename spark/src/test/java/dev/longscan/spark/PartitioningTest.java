package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.longscan.Backends;
import dev.longscan.Filters;
import dev.longscan.Sequence;
import dev.longscan.TestData;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The distributed result equals core's single-machine result (the float64 reference backend
 * through {@link Filters}, keys as segment starts) for random layouts of the same sorted rows
 * over 1 to 64 partitions: empty partitions, one-row partitions, keys spanning several
 * partitions, one key per partition, blocks smaller than partitions.
 */
class PartitioningTest {
  static SparkSession spark;
  static final Filters REF = Filters.using(Backends.reference());
  static final double TOL = 1e-12;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  private static double[] emaHalfLifeRef(KeyedData d, double halfLife) {
    return REF.emaIrregular(Sequence.of(d.x), d.times(), halfLife, d.starts).doubleArray();
  }

  @Test
  void randomPartitionings() {
    SplittableRandom r = new SplittableRandom(41);
    for (int trial = 0; trial < 6; trial++) {
      KeyedData d = KeyedData.random(1 + r.nextInt(12), 1 + r.nextInt(150), 1000 + trial);
      int parts = 1 + r.nextInt(64);
      int[] cuts = KeyedData.randomCuts(d.rows(), parts, 77 + trial);
      // small blocks so that partitions hold several
      spark.conf().set(LongscanConf.CHUNK_SIZE, Integer.toString(1 + r.nextInt(40)));
      try {
        Dataset<Row> out = d.frame(spark, cuts).transform(
            Scans.emaHalfLife("x", 250.0).key("key").orderBy("t").presorted());
        TestData.assertClose(emaHalfLifeRef(d, 250.0), d.column(out, "ema"), TOL,
            "trial " + trial + " (" + d.rows() + " rows, " + parts + " partitions)");
      } finally {
        spark.conf().unset(LongscanConf.CHUNK_SIZE);
      }
    }
  }

  @Test
  void oneKeyAcrossManyPartitionsAndOneKeyPerPartition() {
    KeyedData one = new KeyedData(new int[] {997}, 5);
    int[] cuts = new int[64];
    for (int p = 0; p < 64; p++) {
      cuts[p] = p * 997 / 63;
    }
    Dataset<Row> out = one.frame(spark, cuts).transform(
        Scans.emaHalfLife("x", 400.0).key("key").orderBy("t").presorted());
    TestData.assertClose(emaHalfLifeRef(one, 400.0), one.column(out, "ema"), TOL, "one key");

    int[] sizes = {5, 1, 9, 2, 31, 7};
    KeyedData per = new KeyedData(sizes, 6);
    int[] pc = new int[sizes.length + 1];
    for (int k = 0; k < sizes.length; k++) {
      pc[k + 1] = pc[k] + sizes[k];
    }
    Dataset<Row> out2 = per.frame(spark, pc).transform(
        Scans.emaHalfLife("x", 400.0).key("key").orderBy("t").presorted());
    TestData.assertClose(emaHalfLifeRef(per, 400.0), per.column(out2, "ema"), TOL,
        "one key per partition");
  }

  @Test
  void sortsShuffledInput() {
    KeyedData d = KeyedData.random(9, 120, 8);
    Dataset<Row> shuffled = d.frame(spark, new int[] {0, d.rows()})
        .repartition(5).sortWithinPartitions(org.apache.spark.sql.functions.hash(
            org.apache.spark.sql.functions.col("t"), org.apache.spark.sql.functions.col("key")));
    // keep the sort's 7 partitions (adaptive execution would merge such small ones into one)
    spark.conf().set("spark.sql.adaptive.coalescePartitions.enabled", "false");
    try {
      ScanResult res = Scans.emaHalfLife("x", 300.0).key("key").orderBy("t").run(shuffled);
      assertEquals(7, res.partitions());
      Dataset<Row> out = res.dataset();
      TestData.assertClose(emaHalfLifeRef(d, 300.0), d.column(out, "ema"), TOL,
          "sorted by longscan");
      assertEquals(KeyedData.SCHEMA.size() + 1, out.schema().size());
    } finally {
      spark.conf().unset("spark.sql.adaptive.coalescePartitions.enabled");
    }
  }
}
