package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AffineTest {
  private static Summary random(SplittableRandom r, int w, boolean resets) {
    double[] a = new double[w];
    double[] b = new double[w];
    for (int c = 0; c < w; c++) {
      a[c] = resets ? 0 : r.nextDouble() * 2 - 1;
      b[c] = r.nextDouble() * 2 - 1;
    }
    return Summary.of(a, b, resets);
  }

  private static void close(double[] e, double[] a) {
    assertArrayEquals(e, a, 1e-12);
  }

  @Test
  void composeIsAssociativeWithAndWithoutResets() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 200; i++) {
      Summary x = random(r, 3, r.nextInt(4) == 0);
      Summary y = random(r, 3, r.nextInt(4) == 0);
      Summary z = random(r, 3, r.nextInt(4) == 0);
      Summary left = Affine.compose(Affine.compose(x, y), z);
      Summary right = Affine.compose(x, Affine.compose(y, z));
      close(left.a(), right.a());
      close(left.b(), right.b());
      assertEquals(left.resets(), right.resets());
      double[] h = {0.3, -1, 2};
      close(z.apply(y.apply(x.apply(h))), left.apply(h));
    }
  }

  @Test
  void identityIsNeutralAndNotCommutative() {
    SplittableRandom r = new SplittableRandom(2);
    Summary x = random(r, 2, false);
    Summary y = random(r, 2, false);
    Summary e = Summary.identity(2);
    assertEquals(x, Affine.compose(e, x));
    assertEquals(x, Affine.compose(x, e));
    assertFalse(Affine.compose(x, y).equals(Affine.compose(y, x)));
  }

  @Test
  void resetForgetsWhatCameBefore() {
    SplittableRandom r = new SplittableRandom(3);
    Summary x = random(r, 2, false);
    Summary y = random(r, 2, true);
    assertSame(y, Affine.compose(x, y));
    Summary xy = Affine.compose(y, x);
    assertTrue(xy.resets());
    double[] inf = {Double.POSITIVE_INFINITY, Double.NaN};
    close(x.apply(y.b()), xy.apply(inf));
  }

  @Test
  void exclusiveScanAndTreeAgreeWithSequentialFold() {
    SplittableRandom r = new SplittableRandom(4);
    for (int n : new int[] {0, 1, 2, 7, 100, 1001}) {
      List<Summary> list = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        list.add(random(r, 4, r.nextInt(50) == 0));
      }
      double[] h0 = {1, 2, 3, 4};
      double[][] carries = Affine.exclusiveScan(list, h0, 4);
      assertEquals(n + 1, carries.length);
      assertArrayEquals(h0, carries[0]);
      double[] h = h0.clone();
      Summary fold = Summary.identity(4);
      for (int i = 0; i < n; i++) {
        close(h, carries[i]);
        h = list.get(i).apply(h);
        fold = Affine.compose(fold, list.get(i));
      }
      close(h, carries[n]);
      Summary tree = Affine.composeAll(list, 4);
      close(fold.apply(h0), tree.apply(h0));
    }
  }

  @Test
  void rejectsMismatchedWidthsAndNulls() {
    ShapeException e = assertThrows(ShapeException.class,
        () -> Affine.compose(Summary.identity(2), Summary.identity(3)));
    assertTrue(e.getMessage().contains("2") && e.getMessage().contains("3"), e.getMessage());
    List<Summary> withNull = new ArrayList<>();
    withNull.add(Summary.identity(1));
    withNull.add(null);
    ShapeException n = assertThrows(ShapeException.class,
        () -> Affine.exclusiveScan(withNull, null, 1));
    assertTrue(n.getMessage().contains("index 1"), n.getMessage());
    assertThrows(ShapeException.class,
        () -> Affine.exclusiveScan(List.of(Summary.identity(2)), null, 1));
  }
}
