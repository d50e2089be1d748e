package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.Summary;
import dev.longscan.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Phase 2 alone, without Spark: random chunks of random series spread over random partitions
 * (empty ones included); each chunk rescanned from its planned carry equals the reference scan
 * of everything end to end, in both directions, with and without h0, and rounding the carries to
 * float32 (fp64Carries=false) stays within float32 accuracy.
 */
class CarryPlanTest {

  @Test
  void chunkCarriesMatchOneLongScan() {
    SplittableRandom r = new SplittableRandom(2718);
    for (int trial = 0; trial < 300; trial++) {
      int width = 1 + r.nextInt(3);
      boolean reverse = r.nextBoolean();
      double[] h0 = r.nextBoolean() ? TestData.state(width, trial) : null;
      boolean fp64 = trial % 5 != 0;
      int chunks = 1 + r.nextInt(20);
      int[] steps = new int[chunks];
      long[] series = new long[chunks];
      int total = 0;
      long s = 0;
      for (int c = 0; c < chunks; c++) {
        steps[c] = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(9);
        if (c > 0 && r.nextInt(3) == 0) {
          s++;
        }
        series[c] = s;
        total += steps[c];
      }
      Sequence a = TestData.multipliers(Precision.FLOAT64, total, width, trial);
      Sequence b = TestData.values(Precision.FLOAT64, total, width, trial + 1);
      boolean[] starts = new boolean[total];
      int[] first = new int[chunks];
      int off = 0;
      for (int c = 0; c < chunks; c++) {
        first[c] = off;
        boolean newSeries = c == 0 || series[c] != series[c - 1];
        if (newSeries && off < total) {
          starts[off] = true;
        }
        off += steps[c];
      }
      ScanOptions o = (reverse ? ScanOptions.reverse() : ScanOptions.defaults())
          .withInitialState(h0);
      Sequence expected = Backends.reference().scan(a, b, o.withSegmentStarts(starts));

      // chunks over partitions, in order, some partitions empty
      int parts = 1 + r.nextInt(8);
      int[] cut = new int[parts + 1];
      cut[parts] = chunks;
      for (int p = 1; p < parts; p++) {
        cut[p] = r.nextInt(chunks + 1);
      }
      java.util.Arrays.sort(cut, 1, parts);
      PartitionReport[] reps = new PartitionReport[parts];
      for (int p = 0; p < parts; p++) {
        PartitionReport rep = new PartitionReport(p);
        List<Summary> sums = new ArrayList<>();
        rep.chunkStarts = new boolean[cut[p + 1] - cut[p]];
        for (int c = cut[p]; c < cut[p + 1]; c++) {
          sums.add(Backends.reference().reduce(a.slice(first[c], first[c] + steps[c]),
              b.slice(first[c], first[c] + steps[c]), o));
          rep.chunkStarts[c - cut[p]] = c > cut[p] && series[c] != series[c - 1];
        }
        rep.blocks = sums.toArray(new Summary[0]);
        rep.rows = sums.size();
        if (rep.rows > 0) {
          rep.firstKey = new Object[] {series[cut[p]]};
          rep.lastKey = new Object[] {series[cut[p + 1] - 1]};
        }
        reps[p] = rep;
      }
      Columns.Keys keys = new Columns.Keys(ChunkScan.CHUNK_KEYS, new String[] {"series"});
      PartitionPlan[] plans = CarryPlan.forChunks(reps, keys, reverse, h0, width, fp64);
      for (int p = 0; p < parts; p++) {
        assertEquals(cut[p + 1] - cut[p], plans[p].blocks);
        for (int c = cut[p]; c < cut[p + 1]; c++) {
          int j = c - cut[p];
          double[] carry = java.util.Arrays.copyOfRange(plans[p].carries, j * width,
              (j + 1) * width);
          Sequence out = Sequence.allocate(Precision.FLOAT64, steps[c], width);
          Backends.reference().apply(a.slice(first[c], first[c] + steps[c]),
              b.slice(first[c], first[c] + steps[c]), carry, o, out);
          TestData.assertClose(expected.slice(first[c], first[c] + steps[c]), out,
              fp64 ? 1e-12 : 1e-5, "trial " + trial + ", chunk " + c);
        }
      }
    }
  }
}
