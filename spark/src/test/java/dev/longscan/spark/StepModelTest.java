package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.longscan.Direction;
import dev.longscan.Precision;
import dev.longscan.Sequence;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each model's coefficients row by row (the inline phase 3) against its coefficients over a
 * block (phase 1 and the block path): the same bits, over blocks that begin inside a series and
 * at its start, with series starting inside them.
 */
class StepModelTest {
  static final List<StepModel> MODELS = List.of(
      new StepModel.AffineModel(Direction.FORWARD, null),
      new StepModel.EmaModel(0.3),
      new StepModel.EmaHalfLifeModel(25.0),
      new StepModel.AdjustedEmaModel(0.2, Double.NaN),
      new StepModel.AdjustedEmaModel(Double.NaN, 25.0),
      new StepModel.IirModel(0.4, 0.7),
      new StepModel.DiscountModel(0.9, false),
      new StepModel.DiscountModel(Double.NaN, true),
      new StepModel.CumulativeModel(false, Direction.FORWARD),
      new StepModel.CumulativeModel(true, Direction.FORWARD));

  @Test
  void rowCoefficientsAreTheBlockCoefficientsBitForBit() {
    SplittableRandom r = new SplittableRandom(17);
    for (StepModel m : MODELS) {
      for (int trial = 0; trial < 20; trial++) {
        int n = 1 + r.nextInt(61);
        StepModel.Block blk = new StepModel.Block(m.inputs(), n, true);
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < m.inputs(); k++) {
            blk.in[k][i] = 4 * r.nextDouble() - 2;
          }
          blk.starts[i] = r.nextInt(6) == 0;
          blk.gap[i] = blk.starts[i] || r.nextInt(9) == 0 ? Double.NaN : 0.5 + 40 * r.nextDouble();
        }
        blk.len = n;
        int from = r.nextInt(n);
        int w = m.width();
        Sequence a = Sequence.allocate(Precision.FLOAT64, n - from, w);
        Sequence b = Sequence.allocate(Precision.FLOAT64, n - from, w);
        m.coefficients(blk, from, n, a, b);
        double[] in = new double[m.inputs()];
        double[] ra = new double[w];
        double[] rb = new double[w];
        for (int i = from; i < n; i++) {
          for (int k = 0; k < in.length; k++) {
            in[k] = blk.in[k][i];
          }
          m.rowCoefficients(in, blk.gap[i], blk.starts[i], ra, rb);
          for (int c = 0; c < w; c++) {
            String where = m.name() + ", trial " + trial + ", row " + i + ", channel " + c;
            assertEquals(Double.doubleToRawLongBits(a.doubleArray()[a.offset() + (i - from) * w + c]),
                Double.doubleToRawLongBits(ra[c]), "a: " + where);
            assertEquals(Double.doubleToRawLongBits(b.doubleArray()[b.offset() + (i - from) * w + c]),
                Double.doubleToRawLongBits(rb[c]), "b: " + where);
          }
        }
      }
    }
  }
}
