package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.longscan.algebra.DenseSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Phase 2 alone for dense chunks, without Spark: random n×n chunk summaries of random series
 * spread over random partitions (empty ones included); every planned carry equals the state that
 * the summaries applied one after the other give, a series starting from h0, in both directions.
 */
class DenseCarryPlanTest {

  @Test
  void denseCarriesAreTheSummariesAppliedInOrder() {
    SplittableRandom r = new SplittableRandom(1618);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(4);
      int batch = 1 + r.nextInt(3);
      int w = batch * n;
      boolean reverse = r.nextBoolean();
      double[] h0 = null;
      if (r.nextBoolean()) {
        h0 = new double[w];
        for (int i = 0; i < w; i++) {
          h0[i] = 2 * r.nextDouble() - 1;
        }
      }
      int chunks = 1 + r.nextInt(15);
      long[] series = new long[chunks];
      DenseSummary[] sums = new DenseSummary[chunks];
      long s = 0;
      for (int c = 0; c < chunks; c++) {
        if (c > 0 && r.nextInt(3) == 0) {
          s++;
        }
        series[c] = s;
        double[] j = new double[w * n];
        double[] b = new double[w];
        for (int i = 0; i < j.length; i++) {
          j[i] = (2 * r.nextDouble() - 1) / n;
        }
        for (int i = 0; i < b.length; i++) {
          b[i] = 2 * r.nextDouble() - 1;
        }
        sums[c] = DenseSummary.of(n, j, b);
      }
      // the oracle: the carries by applying the summaries in scan order
      double[] start = h0 != null ? h0 : new double[w];
      double[][] expected = new double[chunks][];
      for (int k = 0; k < chunks; k++) {
        int c = reverse ? chunks - 1 - k : k;
        int prev = reverse ? c + 1 : c - 1;
        boolean begins = prev < 0 || prev >= chunks || series[prev] != series[c];
        expected[c] = begins ? start.clone() : sums[prev].apply(expected[prev]);
      }
      int parts = 1 + r.nextInt(7);
      int[] cut = new int[parts + 1];
      cut[parts] = chunks;
      for (int p = 1; p < parts; p++) {
        cut[p] = r.nextInt(chunks + 1);
      }
      Arrays.sort(cut, 1, parts);
      PartitionReport[] reps = new PartitionReport[parts];
      for (int p = 0; p < parts; p++) {
        PartitionReport rep = new PartitionReport(p);
        List<DenseSummary> in = new ArrayList<>();
        rep.chunkStarts = new boolean[cut[p + 1] - cut[p]];
        for (int c = cut[p]; c < cut[p + 1]; c++) {
          in.add(sums[c]);
          rep.chunkStarts[c - cut[p]] = c > cut[p] && series[c] != series[c - 1];
        }
        rep.blocks = in.toArray(new DenseSummary[0]);
        rep.rows = in.size();
        if (rep.rows > 0) {
          rep.firstKey = new Object[] {series[cut[p]]};
          rep.lastKey = new Object[] {series[cut[p + 1] - 1]};
        }
        reps[p] = rep;
      }
      Columns.Keys keys = new Columns.Keys(ChunkScan.CHUNK_KEYS, new String[] {"series"});
      PartitionPlan[] plans = CarryPlan.forChunks(reps, keys, reverse, h0,
          CarryPlan.dense(batch, n), true);
      for (int p = 0; p < parts; p++) {
        assertEquals(cut[p + 1] - cut[p], plans[p].blocks);
        for (int c = cut[p]; c < cut[p + 1]; c++) {
          int j = c - cut[p];
          for (int i = 0; i < w; i++) {
            assertEquals(expected[c][i], plans[p].carries[j * w + i],
                1e-12 * (1 + Math.abs(expected[c][i])),
                "trial " + trial + ", chunk " + c + ", value " + i);
          }
        }
      }
    }
  }
}
