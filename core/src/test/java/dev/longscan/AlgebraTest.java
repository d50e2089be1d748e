package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.algebra.Algebra;
import dev.longscan.algebra.DenseSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Both algebras: associativity, identity, the carry scan, the transposed apply as an adjoint. */
class AlgebraTest {
  private static DenseSummary dense(SplittableRandom r, int batch, int n) {
    double[] j = new double[batch * n * n];
    double[] b = new double[batch * n];
    for (int i = 0; i < j.length; i++) {
      j[i] = (2 * r.nextDouble() - 1) / Math.sqrt(n);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = 2 * r.nextDouble() - 1;
    }
    return DenseSummary.of(n, j, b);
  }

  private static double[] vec(SplittableRandom r, int w) {
    double[] v = new double[w];
    for (int i = 0; i < w; i++) {
      v[i] = 2 * r.nextDouble() - 1;
    }
    return v;
  }

  @Test
  void denseCompositionIsAssociativeWithIdentityAndAppliesInOrder() {
    SplittableRandom r = new SplittableRandom(1);
    for (int n : new int[] {1, 2, 3, 7}) {
      for (int batch : new int[] {1, 3}) {
        Algebra<DenseSummary> alg = DenseSummary.algebra(batch, n);
        for (int i = 0; i < 20; i++) {
          DenseSummary x = dense(r, batch, n);
          DenseSummary y = dense(r, batch, n);
          DenseSummary z = dense(r, batch, n);
          DenseSummary left = alg.compose(alg.compose(x, y), z);
          DenseSummary right = alg.compose(x, alg.compose(y, z));
          DenseScanTest.assertClose(left.j(), right.j(), 1e-13, "J");
          DenseScanTest.assertClose(left.b(), right.b(), 1e-13, "b");
          double[] h = vec(r, batch * n);
          DenseScanTest.assertClose(z.apply(y.apply(x.apply(h))), left.apply(h), 1e-13, "apply");
          assertEquals(x, alg.compose(alg.identity(), x));
          assertEquals(x, alg.compose(x, alg.identity()));
        }
      }
    }
  }

  @Test
  void carryScanAndTreeAgreeWithTheSequentialFold() {
    SplittableRandom r = new SplittableRandom(2);
    Algebra<DenseSummary> alg = DenseSummary.algebra(2, 3);
    for (int count : new int[] {0, 1, 2, 7, 101}) {
      List<DenseSummary> list = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        list.add(dense(r, 2, 3));
      }
      double[] h0 = vec(r, 6);
      double[][] carries = alg.exclusiveScan(list, h0);
      double[] h = h0.clone();
      DenseSummary fold = alg.identity();
      for (int k = 0; k < count; k++) {
        DenseScanTest.assertClose(h, carries[k], 1e-12, "carry " + k);
        h = list.get(k).apply(h);
        fold = alg.compose(fold, list.get(k));
      }
      DenseScanTest.assertClose(h, carries[count], 1e-12, "last carry");
      DenseSummary tree = alg.composeAll(list);
      DenseScanTest.assertClose(fold.j(), tree.j(), 1e-12, "tree J");
      DenseScanTest.assertClose(fold.b(), tree.b(), 1e-12, "tree b");
    }
    List<DenseSummary> wrong = List.of(dense(r, 2, 3), dense(r, 1, 3));
    ShapeException x = assertThrows(ShapeException.class, () -> alg.exclusiveScan(wrong, null));
    assertTrue(x.getMessage().contains("width 6, found width 3 at index 1"), x.getMessage());
  }

  @Test
  void transposedApplyIsTheAdjointOfTheLinearPart() {
    // ⟨Aᵀ d, h⟩ = ⟨d, A h⟩ = ⟨d, e(h) − e(0)⟩
    SplittableRandom r = new SplittableRandom(3);
    for (int n : new int[] {1, 4, 9}) {
      Algebra<DenseSummary> alg = DenseSummary.algebra(2, n);
      DenseSummary e = dense(r, 2, n);
      double[] h = vec(r, 2 * n);
      double[] d = vec(r, 2 * n);
      double[] atd = new double[2 * n];
      alg.applyTransposed(e, d, 0, atd, 0);
      double[] eh = e.apply(h);
      double[] e0 = e.apply(new double[2 * n]);
      double lhs = 0;
      double rhs = 0;
      for (int i = 0; i < 2 * n; i++) {
        lhs += atd[i] * h[i];
        rhs += d[i] * (eh[i] - e0[i]);
      }
      assertEquals(rhs, lhs, 1e-12);
    }
    Algebra<Summary> diag = Affine.algebra(3);
    Summary s = Summary.of(new double[] {0.5, -2, 3}, new double[] {1, 1, 1}, false);
    double[] out = new double[3];
    diag.applyTransposed(s, new double[] {1, 2, 3}, 0, out, 0);
    DenseScanTest.assertClose(new double[] {0.5, -4, 9}, out, 0, "diagonal");
    diag.applyTransposed(Summary.of(new double[3], new double[3], true), new double[] {1, 2, 3}, 0,
        out, 0);
    DenseScanTest.assertClose(new double[3], out, 0, "a restart forgets");
  }

  @Test
  void oneDimensionalDenseAlgebraIsTheDiagonalOne() {
    SplittableRandom r = new SplittableRandom(4);
    Algebra<Summary> diag = Affine.algebra(4);
    Algebra<DenseSummary> dense = DenseSummary.algebra(4, 1);
    double[] a1 = vec(r, 4);
    double[] b1 = vec(r, 4);
    double[] a2 = vec(r, 4);
    double[] b2 = vec(r, 4);
    Summary d = diag.compose(Summary.of(a1, b1, false), Summary.of(a2, b2, false));
    DenseSummary m = dense.compose(DenseSummary.of(1, a1, b1), DenseSummary.of(1, a2, b2));
    DenseScanTest.assertClose(d.a(), m.j(), 0, "a");
    DenseScanTest.assertClose(d.b(), m.b(), 0, "b");
    assertEquals(Affine.compose(Summary.of(a1, b1, false), Summary.of(a2, b2, true)),
        diag.compose(Summary.of(a1, b1, false), Summary.of(a2, b2, true)));
  }
}
