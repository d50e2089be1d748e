package dev.longscan.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.longscan.Filters;
import dev.longscan.ParameterException;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The filter definitions: each one's step run sequentially in float64 reproduces the filter's
 * closed form (an oracle written apart from the definitions), and the parameter checks reject
 * bad values with the one message {@link Filters} gives too.
 */
class FilterStepsTest {

  @Test
  void emaStepsGiveTheWeightedMean() {
    // y_t = Σ_i α (1 − α)^{t−i} x_i for i ≥ 1 plus (1 − α)^t x_0
    SplittableRandom r = new SplittableRandom(5);
    double alpha = 0.3;
    double[] x = new double[23];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextDouble() * 4 - 2;
    }
    double h = Double.NaN; // the state before a series is ignored: a_0 = 0
    for (int t = 0; t < x.length; t++) {
      h = FilterSteps.emaA(alpha, t == 0) * (t == 0 ? 0 : h) + FilterSteps.emaB(alpha, t == 0, x[t]);
      double expect = Math.pow(1 - alpha, t) * x[0];
      for (int i = 1; i <= t; i++) {
        expect += alpha * Math.pow(1 - alpha, t - i) * x[i];
      }
      assertEquals(expect, h, 1e-12, "step " + t);
    }
  }

  @Test
  void halfLifeDecayHalvesPerHalfLife() {
    assertEquals(0.5, FilterSteps.decay(7.0, 7.0), 1e-15);
    assertEquals(0.25, FilterSteps.halfLifeA(false, 14.0, 7.0), 1e-15);
    assertEquals(0.0, FilterSteps.halfLifeA(true, 14.0, 7.0));
    assertEquals(0.0, FilterSteps.halfLifeA(false, Double.NaN, 7.0));
    assertEquals(0.75 * 3.0, FilterSteps.halfLifeB(0.25, 3.0), 1e-15);
    assertEquals(Filters.decay(3.5, 7.0), FilterSteps.decay(3.5, 7.0));
  }

  @Test
  void adjustedStepsGiveTheNormalisedMean() {
    double alpha = 0.2;
    double[] x = {1.5, -2.0, 0.25, 4.0, 3.0};
    double n = 0;
    double w = 0;
    for (int t = 0; t < x.length; t++) {
      double a = FilterSteps.adjustedA(alpha);
      n = a * n + FilterSteps.adjustedNumeratorB(x[t]);
      w = a * w + FilterSteps.adjustedWeightB();
      double num = 0;
      double den = 0;
      for (int i = 0; i <= t; i++) {
        num += Math.pow(1 - alpha, t - i) * x[i];
        den += Math.pow(1 - alpha, t - i);
      }
      assertEquals(num / den, FilterSteps.adjustedValue(n, w), 1e-12, "step " + t);
    }
  }

  @Test
  void iirCumulativeAndDiscountSteps() {
    double[] x = {0.5, 2.0, -1.0, 3.0, 0.75, -0.5, 1.25};
    double iir = 0;
    double sum = 0;
    double prod = FilterSteps.cumprodInitial();
    double expIir = 0;
    double expSum = 0;
    double expProd = 1;
    for (double v : x) {
      iir = FilterSteps.iirA(0.7) * iir + FilterSteps.iirB(0.4, v);
      sum = FilterSteps.cumsumA() * sum + FilterSteps.cumsumB(v);
      prod = FilterSteps.cumprodA(v) * prod + FilterSteps.cumprodB();
      expIir = 0.4 * v + 0.7 * expIir;
      expSum += v;
      expProd *= v;
      assertEquals(expIir, iir, 1e-12);
      assertEquals(expSum, sum, 1e-12);
      assertEquals(expProd, prod, 1e-12);
    }
    // G_t = r_t + γ G_{t+1}, from the end
    double g = 0;
    for (int t = x.length - 1; t >= 0; t--) {
      g = FilterSteps.discountA(0.9) * g + FilterSteps.discountB(x[t]);
      double expect = 0;
      for (int i = t; i < x.length; i++) {
        expect += Math.pow(0.9, i - t) * x[i];
      }
      assertEquals(expect, g, 1e-12, "step " + t);
    }
  }

  @Test
  void checksRejectWithOneMessage() {
    for (double bad : new double[] {0.0, -0.1, 1.5, Double.NaN}) {
      ParameterException e = assertThrows(ParameterException.class,
          () -> FilterSteps.checkAlpha(bad));
      assertEquals("expected alpha in (0, 1], found " + bad, e.getMessage());
      ParameterException f = assertThrows(ParameterException.class,
          () -> Filters.cpu().ema(new double[] {1, 2}, bad));
      assertEquals(e.getMessage(), f.getMessage());
    }
    for (double bad : new double[] {0.0, -1.0, Double.POSITIVE_INFINITY, Double.NaN}) {
      ParameterException e = assertThrows(ParameterException.class,
          () -> FilterSteps.checkHalfLife(bad));
      assertEquals("expected halfLife > 0 and finite, found " + bad, e.getMessage());
    }
    assertEquals("expected a positive half-life duration, found PT0S",
        assertThrows(ParameterException.class,
            () -> FilterSteps.checkHalfLife(Duration.ZERO)).getMessage());
    assertEquals("expected a positive half-life duration, found null",
        assertThrows(ParameterException.class,
            () -> FilterSteps.checkHalfLife((Duration) null)).getMessage());
    assertEquals("expected a finite c, found Infinity", assertThrows(ParameterException.class,
        () -> FilterSteps.checkFinite(Double.POSITIVE_INFINITY, "c")).getMessage());
    assertEquals(0.5, FilterSteps.checkAlpha(0.5));
    assertEquals(1.0, FilterSteps.checkAlpha(1.0));
    assertEquals(2.0, FilterSteps.checkHalfLife(2.0));
  }
}
