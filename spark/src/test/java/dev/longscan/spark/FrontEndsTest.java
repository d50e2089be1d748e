package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.longscan.Backends;
import dev.longscan.Filters;
import dev.longscan.ParameterException;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.TestData;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every long-format front end against core's single-machine {@link Filters} (or the reference
 * scan) on the float64 reference backend, keyed, over layouts with empty, one-row and straddling
 * partitions and blocks smaller than partitions.
 */
class FrontEndsTest {
  static SparkSession spark;
  static final Filters REF = Filters.using(Backends.reference());
  static final double TOL = 1e-12;
  static final KeyedData D = KeyedData.random(11, 90, 2024);
  static final int[][] LAYOUTS = {
      {0, D.rows()},
      KeyedData.randomCuts(D.rows(), 13, 3),
      KeyedData.randomCuts(D.rows(), 40, 4),
  };

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
    spark.conf().set(LongscanConf.CHUNK_SIZE, "7");
  }

  @AfterAll
  static void stop() {
    spark.conf().unset(LongscanConf.CHUNK_SIZE);
  }

  /** Each layout, with forward scans through both phase-3 paths (inline and blocks). */
  private static void check(ScanTransform scan, String output, double[] expected) {
    for (int[] cuts : LAYOUTS) {
      for (boolean inline : new boolean[] {true, false}) {
        spark.conf().set(LongscanConf.INLINE_PHASE3, Boolean.toString(inline));
        try {
          Dataset<Row> out = D.frame(spark, cuts)
              .transform(scan.key("key").orderBy("t").presorted());
          TestData.assertClose(expected, D.column(out, output), TOL, scan.name() + " over "
              + (cuts.length - 1) + " partitions, inline phase 3 " + inline);
        } finally {
          spark.conf().unset(LongscanConf.INLINE_PHASE3);
        }
      }
    }
  }

  private static double[] ref(Sequence a, Sequence b, ScanOptions o) {
    return Backends.reference().scan(a, b, o.withSegmentStarts(D.starts)).doubleArray();
  }

  @Test
  void affineForwardAndReverseWithInitialState() {
    double[] h0 = {0.75};
    check(Scans.affine("a", "b").initialState(0.75), "h",
        ref(Sequence.of(D.a), Sequence.of(D.b), ScanOptions.defaults().withInitialState(h0)));
    check(Scans.affine("a", "b").reverse().output("back"), "back",
        ref(Sequence.of(D.a), Sequence.of(D.b), ScanOptions.reverse()));
  }

  @Test
  void emaFamily() {
    check(Scans.ema("x", 0.1), "ema", REF.ema(Sequence.of(D.x), 0.1, D.starts).doubleArray());
    check(Scans.ema("x", 1.0), "ema", REF.ema(Sequence.of(D.x), 1.0, D.starts).doubleArray());
    check(Scans.adjustedEma("x", 0.05), "ema",
        REF.emaAdjusted(Sequence.of(D.x), 0.05, D.starts).doubleArray());
    check(Scans.adjustedEmaHalfLife("x", 120.0), "ema",
        REF.emaAdjustedIrregular(Sequence.of(D.x), D.times(), 120.0, D.starts).doubleArray());
  }

  @Test
  void iirDiscountCumulative() {
    check(Scans.iir("x", 0.3, 0.9), "iir",
        REF.iir(Sequence.of(D.x), 0.3, 0.9, D.starts).doubleArray());
    Sequence g = Sequence.of(new double[D.rows()]);
    g.fill(0.97);
    check(Scans.discountedSum("b", 0.97), "discounted",
        REF.discountedSum(Sequence.of(D.b), g, D.starts).doubleArray());
    check(Scans.discountedSum("b", "g"), "discounted",
        REF.discountedSum(Sequence.of(D.b), Sequence.of(D.g), D.starts).doubleArray());
    check(Scans.cumsum("x"), "cumsum", REF.cumsum(Sequence.of(D.x), D.starts).doubleArray());
    check(Scans.cumprod("g"), "cumprod", REF.cumprod(Sequence.of(D.g), D.starts).doubleArray());
    double[] ones = new double[D.rows()];
    java.util.Arrays.fill(ones, 1.0);
    check(Scans.cumsum("x").reverse(), "cumsum",
        ref(Sequence.of(ones), Sequence.of(D.x), ScanOptions.reverse()));
  }

  @Test
  void naiveLoopAgreesForTheIrregularEma() {
    // a second oracle, written out: y = x at each key's first row, then the decayed average
    double hl = 75.0;
    double[] y = new double[D.rows()];
    for (int i = 0; i < y.length; i++) {
      if (D.starts[i]) {
        y[i] = D.x[i];
      } else {
        double w = Math.exp(-Math.log(2) * (D.t[i] - D.t[i - 1]) / hl);
        y[i] = w * y[i - 1] + (1 - w) * D.x[i];
      }
    }
    check(Scans.emaHalfLife("x", hl), "ema", y);
  }

  @Test
  void parametersAreChecked() {
    assertThrows(ParameterException.class, () -> Scans.ema("x", 0.0));
    assertThrows(ParameterException.class, () -> Scans.ema("x", 1.5));
    assertThrows(ParameterException.class, () -> Scans.emaHalfLife("x", -1.0));
    assertThrows(ParameterException.class, () -> Scans.iir("x", Double.NaN, 1));
    assertThrows(ParameterException.class, () -> Scans.ema("x", 0.5).reverse());
    assertThrows(ParameterException.class, () -> Scans.discountedSum("r", 0.9).reverse());
    assertThrows(ParameterException.class, () -> Scans.ema("x", 0.5).initialState(1.0));
    assertThrows(ParameterException.class, () -> Scans.affine("a", "b").width(2));
    ParameterException e = assertThrows(ParameterException.class,
        () -> Scans.affine(null, "b"));
    assertEquals("expected non-empty column names, found 'null'", e.getMessage());
  }
}
