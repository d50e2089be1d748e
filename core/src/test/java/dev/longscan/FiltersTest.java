package dev.longscan;

import static dev.longscan.TestData.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each front end against a plain loop (or the explicit weighted mean) written out here. */
class FiltersTest {
  private static final Filters F = Filters.using(Backends.cpu(2, 100));
  private static final double TOL = 1e-11;

  private static double[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble() * 10 - 5;
    }
    return x;
  }

  private static double[] times(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] t = new double[n];
    double now = 1000;
    for (int i = 0; i < n; i++) {
      now += 0.01 + r.nextDouble() * 3;
      t[i] = now;
    }
    return t;
  }

  @Test
  void emaMatchesLoop() {
    for (int n : new int[] {0, 1, 2, 777, 10_007}) {
      double[] x = random(n, n);
      double alpha = 0.07;
      double[] e = new double[n];
      for (int t = 0; t < n; t++) {
        e[t] = t == 0 ? x[0] : (1 - alpha) * e[t - 1] + alpha * x[t];
      }
      assertClose(e, F.ema(x, alpha), TOL, "ema n=" + n);
    }
  }

  @Test
  void emaWithSegmentsRestartsEachSeries() {
    int n = 5003;
    double[] x = random(n, 1);
    boolean[] starts = TestData.starts(n, 0.02, 2);
    double[] e = new double[n];
    for (int t = 0; t < n; t++) {
      e[t] = t == 0 || starts[t] ? x[t] : 0.8 * e[t - 1] + 0.2 * x[t];
    }
    Sequence out = F.ema(Sequence.of(x), 0.2, starts);
    assertClose(e, out.doubleArray(), TOL, "segmented ema");
  }

  @Test
  void emaIrregularMatchesLoopWithHalfLife() {
    int n = 4001;
    double[] x = random(n, 3);
    double[] tau = times(n, 4);
    double hl = 2.5;
    double[] e = new double[n];
    for (int t = 0; t < n; t++) {
      double a = t == 0 ? 0 : Math.pow(0.5, (tau[t] - tau[t - 1]) / hl);
      e[t] = a * (t == 0 ? 0 : e[t - 1]) + (1 - a) * x[t];
    }
    assertClose(e, F.emaIrregular(x, tau, hl), TOL, "irregular ema");
    // one half-life later the old value weighs exactly one half
    double[] two = F.emaIrregular(new double[] {10, 0}, new double[] {0, hl}, hl);
    assertEquals(5.0, two[1], 1e-12);
  }

  @Test
  void adjustedEmaIsTheWeightedMean() {
    int n = 301;
    double[] x = random(n, 5);
    double alpha = 0.1;
    double[] out = F.emaAdjusted(x, alpha);
    for (int t = 0; t < n; t++) {
      double num = 0;
      double den = 0;
      for (int i = 0; i <= t; i++) {
        double w = Math.pow(1 - alpha, t - i);
        num += w * x[i];
        den += w;
      }
      assertEquals(num / den, out[t], 1e-10, "adjusted ema at step " + t);
    }
  }

  @Test
  void adjustedIrregularEmaIsTheWeightedMeanWithinEachSeries() {
    int n = 257;
    double[] x = random(n, 6);
    double[] tau = times(n, 7);
    boolean[] starts = TestData.starts(n, 0.05, 8);
    double hl = 4;
    Sequence out = F.emaAdjustedIrregular(Sequence.of(x), tau, hl, starts);
    int begin = 0;
    for (int t = 0; t < n; t++) {
      if (starts[t]) {
        begin = t;
      }
      double num = 0;
      double den = 0;
      for (int i = begin; i <= t; i++) {
        double w = Math.pow(0.5, (tau[t] - tau[i]) / hl);
        num += w * x[i];
        den += w;
      }
      assertEquals(num / den, out.get(t, 0), 1e-10, "step " + t);
    }
  }

  @Test
  void iirDiscountedSumCumsumCumprod() {
    int n = 3333;
    double[] x = random(n, 9);
    double[] e = new double[n];
    for (int t = 0; t < n; t++) {
      e[t] = 0.3 * x[t] + (t == 0 ? 0 : 0.95 * e[t - 1]);
    }
    assertClose(e, F.iir(x, 0.3, 0.95), TOL, "iir");

    double[] gamma = new double[n];
    SplittableRandom r = new SplittableRandom(10);
    for (int t = 0; t < n; t++) {
      gamma[t] = 0.9 + 0.1 * r.nextDouble();
    }
    double[] g = new double[n];
    for (int t = n - 1; t >= 0; t--) {
      g[t] = x[t] + (t == n - 1 ? 0 : gamma[t] * g[t + 1]);
    }
    assertClose(g, F.discountedSum(x, gamma), 1e-10, "discounted sum");
    double[] g99 = new double[n];
    for (int t = n - 1; t >= 0; t--) {
      g99[t] = x[t] + (t == n - 1 ? 0 : 0.99 * g99[t + 1]);
    }
    assertClose(g99, F.discountedSum(x, 0.99), 1e-10, "discounted sum, constant gamma");

    double[] s = new double[n];
    for (int t = 0; t < n; t++) {
      s[t] = x[t] + (t == 0 ? 0 : s[t - 1]);
    }
    assertClose(s, F.cumsum(x), 1e-10, "cumsum");

    double[] y = new double[50];
    double[] p = new double[50];
    for (int t = 0; t < 50; t++) {
      y[t] = 0.5 + r.nextDouble();
      p[t] = y[t] * (t == 0 ? 1 : p[t - 1]);
    }
    assertClose(p, F.cumprod(y), 1e-12, "cumprod");
  }

  @Test
  void discountedSumWithSegmentsStopsAtEpisodeEnds() {
    double[] r = {1, 1, 1, 1, 1};
    boolean[] starts = {true, false, false, true, false};
    Sequence gamma = Sequence.of(new double[] {0.5, 0.5, 0.5, 0.5, 0.5});
    Sequence g = F.discountedSum(Sequence.of(r), gamma, starts);
    assertClose(new double[] {1.75, 1.5, 1, 1.5, 1}, g.doubleArray(), 1e-15, "episodes");
  }

  @Test
  void float32InputsGiveFloat32Results() {
    float[] x = {1, 2, 3, 4};
    Sequence out = F.cumsum(Sequence.of(x), null);
    assertEquals(Precision.FLOAT32, out.precision());
    assertEquals(10f, out.floatArray()[3]);
  }

  @Test
  void invalidParametersNameWhatAndWhere() {
    ParameterException p = assertThrows(ParameterException.class, () -> F.ema(new double[3], 0));
    assertTrue(p.getMessage().contains("alpha in (0, 1]") && p.getMessage().contains("0.0"),
        p.getMessage());
    assertThrows(ParameterException.class, () -> F.ema(new double[3], 1.5));
    assertThrows(ParameterException.class, () -> F.ema(new double[3], Double.NaN));
    p = assertThrows(ParameterException.class,
        () -> F.emaIrregular(new double[2], new double[] {0, 1}, 0));
    assertTrue(p.getMessage().contains("halfLife > 0"), p.getMessage());
    assertThrows(ParameterException.class,
        () -> F.emaIrregular(new double[2], new double[] {0, 1}, -3));
    assertThrows(ParameterException.class, () -> F.iir(new double[2], Double.NaN, 0.5));
    ShapeException s = assertThrows(ShapeException.class,
        () -> F.emaIrregular(new double[3], new double[] {0, 1}, 1));
    assertTrue(s.getMessage().contains("3 time stamps") && s.getMessage().contains("found 2"),
        s.getMessage());
    s = assertThrows(ShapeException.class, () -> F.ema(Sequence.of(new double[4]), 0.5,
        new boolean[3]));
    assertTrue(s.getMessage().contains("4 segment flags"), s.getMessage());
    assertThrows(ShapeException.class, () -> F.ema(null, 0.5));
  }

  @Test
  void timeStampsMustIncreaseWithinASeries() {
    OrderException e = assertThrows(OrderException.class,
        () -> F.emaIrregular(new double[4], new double[] {1, 2, 2, 3}, 1));
    assertEquals(2, e.step());
    assertTrue(e.getMessage().contains("duplicate") && e.getMessage().contains("step 1")
        && e.getMessage().contains("step 2"), e.getMessage());
    e = assertThrows(OrderException.class,
        () -> F.emaIrregular(new double[4], new double[] {1, 2, 5, 3}, 1));
    assertEquals(3, e.step());
    assertTrue(e.getMessage().contains("5.0") && e.getMessage().contains("3.0"), e.getMessage());
    // a new series may go back in time
    Sequence ok = F.emaIrregular(Sequence.of(new double[] {1, 2, 3, 4}),
        new double[] {5, 6, 1, 2}, 1, new boolean[] {true, false, true, false});
    assertEquals(4, ok.steps());
    NonFiniteException n = assertThrows(NonFiniteException.class,
        () -> F.emaIrregular(new double[2], new double[] {0, Double.NaN}, 1));
    assertEquals(1, n.step());
  }

  @Test
  void strictPolicyRejectsNonFiniteValuesWithTheirIndex() {
    double[] x = {1, 2, Double.NaN, 4};
    double[] lenient = F.ema(x, 0.5);
    assertTrue(Double.isNaN(lenient[2]) && Double.isNaN(lenient[3]));
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> F.withNonFinite(NonFinitePolicy.REJECT).ema(x, 0.5));
    assertEquals("x", e.input());
    assertEquals(2, e.step());
    assertTrue(e.getMessage().contains("step 2"), e.getMessage());
  }

  @Test
  void coefficientHelpersCheckTheirRanges() {
    Sequence x = Sequence.of(new double[5]);
    ShapeException e = assertThrows(ShapeException.class, () -> Filters.emaCoefficients(x, 0.5,
        new boolean[6], 3, true, x.allocateLike(), x.allocateLike()));
    assertTrue(e.getMessage().contains("5 segment flags from offset 3")
        && e.getMessage().contains("length 6"), e.getMessage());
    e = assertThrows(ShapeException.class, () -> Filters.emaCoefficients(x, 0.5, null, 0, false,
        Sequence.of(new double[4]), x.allocateLike()));
    assertTrue(e.getMessage().contains("a of shape 5 steps"), e.getMessage());
    e = assertThrows(ShapeException.class, () -> Filters.decayCoefficients(new double[7], 4, 1.0,
        null, 0, Double.NaN, x.allocateLike()));
    assertTrue(e.getMessage().contains("5 time stamps from offset 4")
        && e.getMessage().contains("length 7"), e.getMessage());
    e = assertThrows(ShapeException.class, () -> Filters.decayCoefficients(new double[5], -1, 1.0,
        null, 0, Double.NaN, x.allocateLike()));
    assertTrue(e.getMessage().contains("offset -1"), e.getMessage());
  }
}
