package dev.longscan;

/**
 * Dispatch from {@link Sequence}s to the precision-specific kernels for one call: the arrays and
 * offsets are read once, then chunks of steps are reduced, applied, or back-propagated.
 */
final class Chunks {
  private Chunks() {}

  /** Forward/reverse scan over (a, b) into out (out may be null for reduce-only use). */
  static final class Scan {
    final boolean f32;
    final float[] af, bf, of;
    final double[] ad, bd, od;
    final int ao, bo, oo, w, steps;
    final ScanOptions o;

    Scan(Sequence a, Sequence b, Sequence out, ScanOptions o) {
      f32 = a.precision() == Precision.FLOAT32;
      af = f32 ? a.floatArray() : null;
      bf = f32 ? b.floatArray() : null;
      of = f32 && out != null ? out.floatArray() : null;
      ad = f32 ? null : a.doubleArray();
      bd = f32 ? null : b.doubleArray();
      od = !f32 && out != null ? out.doubleArray() : null;
      ao = a.offset();
      bo = b.offset();
      oo = out != null ? out.offset() : 0;
      w = a.width();
      steps = a.steps();
      this.o = o;
      settled = out != null && !o.isSegmented()
          && (w == 1 || Kernels32.literalWidth(w) && ao == bo && bo == oo);
    }

    /**
     * Whether this scan can run as guessed chunks settled in order ({@link #guess},
     * {@link #settle}): no segments, and one channel, or a literal width with a, b and out at one
     * offset.
     */
    final boolean settled;

    /**
     * Whether the settled scan pays here: whether every channel's product of |a| falls below
     * 2^-40 (float32) or 2^-70 (float64) within the first {@code probe} steps in scan order (all
     * of them if fewer), looked at every 32 steps. A guess from a zero state then comes out bit
     * for bit right within about that many steps (its error is that product times the missed
     * state, and the guess counts as right once it is under half a unit in the last place), so the
     * rescans stay short. Contractive data answers after a few stretches of 32 steps; the whole
     * probe is read only for data that does not contract. Reads only a: the same answer for any
     * number of threads. (The products keep the signs of a; only their magnitudes count.)
     */
    boolean contracts(int probe) {
      int n = Math.min(steps, probe);
      int lo = o.isReverse() ? steps - n : 0;
      double[] p = new double[w];
      long[] e = new long[w];
      java.util.Arrays.fill(p, 1);
      long limit = f32 ? -40 : -70;
      for (int t0 = lo; t0 < lo + n; t0 += 32) {
        int from = ao + t0 * w;
        int to = ao + Math.min(lo + n, t0 + 32) * w;
        if (w == 1) {
          p[0] *= productOf(from, to); // one channel: four independent products, not one chain
        } else {
          multiply(p, from, to);
        }
        boolean all = true;
        for (int c = 0; c < w; c++) {
          if (!Double.isFinite(p[c])) {
            return false; // a non-finite multiplier
          }
          if (p[c] != 0) {
            int x = Math.getExponent(p[c]);
            e[c] += x;
            p[c] = Math.scalb(p[c], -x);
            all &= e[c] <= limit;
          } // a zero product: this channel forgets its state outright
        }
        if (all) {
          return true;
        }
      }
      return false;
    }

    void guess(int lo, int hi) {
      if (w == 1) {
        if (f32) {
          Kernels32.guessOne(af, ao, bf, bo, of, oo, lo, hi, o.isReverse());
        } else {
          Kernels64.guessOne(ad, ao, bd, bo, od, oo, lo, hi, o.isReverse());
        }
      } else if (f32) {
        Kernels32.guess(af, bf, of, ao, w, lo, hi, o.isReverse());
      } else {
        Kernels64.guess(ad, bd, od, ao, w, lo, hi, o.isReverse());
      }
    }

    /**
     * The summary of the whole sequence after {@link #guess} over all of it: b is the guess's last
     * state in scan order, a the product of the multipliers in scan order, flushed to zero below
     * the smallest normal value after every 32 steps (as {@link #reduce} flushes it: the product
     * only scales the state entering the chunk). A flushed product stays zero through finite
     * multipliers, and a non-finite multiplier makes its state and every later one non-finite (so
     * the last state too), so once every channel's product is zero and the last states are
     * finite, the rest of a is not read: on contractive data this reads a few hundred steps.
     */
    Summary guessSummary() {
      boolean rev = o.isReverse();
      double[] sa = new double[w];
      double[] sb = new double[w];
      int last = oo + (rev ? 0 : steps - 1) * w;
      boolean finite = true;
      for (int c = 0; c < w; c++) {
        sb[c] = f32 ? of[last + c] : od[last + c];
        finite &= Double.isFinite(sb[c]);
      }
      java.util.Arrays.fill(sa, 1);
      double tiny = f32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
      for (int s = 0; s < steps; s += 32) {
        int n = Math.min(32, steps - s);
        int from = ao + (rev ? steps - s - n : s) * w;
        int to = from + n * w;
        if (w == 1) {
          sa[0] *= productOf(from, to);
        } else {
          multiply(sa, from, to);
        }
        boolean zero = true;
        for (int c = 0; c < w; c++) {
          if (Math.abs(sa[c]) < tiny) {
            sa[c] = 0;
          }
          zero &= sa[c] == 0;
        }
        if (zero && finite) {
          break;
        }
      }
      return new Summary(sa, sb, false);
    }

    /** The product of a over elements [from, to) of one channel, in four interleaved parts. */
    private double productOf(int from, int to) {
      double q0 = 1;
      double q1 = 1;
      double q2 = 1;
      double q3 = 1;
      int i = from;
      for (; i + 4 <= to; i += 4) {
        q0 *= f32 ? af[i] : ad[i];
        q1 *= f32 ? af[i + 1] : ad[i + 1];
        q2 *= f32 ? af[i + 2] : ad[i + 2];
        q3 *= f32 ? af[i + 3] : ad[i + 3];
      }
      for (; i < to; i++) {
        q0 *= f32 ? af[i] : ad[i];
      }
      return q0 * q1 * q2 * q3;
    }

    /** p[c] *= a over the whole rows of elements [from, to). */
    private void multiply(double[] p, int from, int to) {
      for (int i = from; i < to; i += w) {
        if (f32) {
          for (int c = 0; c < w; c++) {
            p[c] *= af[i + c];
          }
        } else {
          for (int c = 0; c < w; c++) {
            p[c] *= ad[i + c];
          }
        }
      }
    }

    /**
     * Settles [lo, hi) from carry, or with carry null from the step before it in scan order;
     * returns how many steps, in scan order from the first, it rescanned.
     */
    int settle(int lo, int hi, double[] carry, boolean check) {
      if (w == 1) {
        int prev = o.isReverse() ? hi : lo - 1;
        if (f32) {
          float h = carry != null ? (float) carry[0] : of[oo + prev];
          return Kernels32.settleOne(af, ao, bf, bo, of, oo, lo, hi, o.isReverse(), h, check);
        }
        double h = carry != null ? carry[0] : od[oo + prev];
        return Kernels64.settleOne(ad, ao, bd, bo, od, oo, lo, hi, o.isReverse(), h, check);
      }
      return f32 ? Kernels32.settle(af, bf, of, ao, w, lo, hi, o.isReverse(), carry, 0, check)
          : Kernels64.settle(ad, bd, od, ao, w, lo, hi, o.isReverse(), carry, 0, check);
    }

    boolean reduce(int lo, int hi, int c0, int c1, double[] sa, double[] sb, int so,
        boolean blocked) {
      return f32
          ? Kernels32.reduce(af, ao, bf, bo, w, c0, c1, lo, hi, o, sa, sb, so, blocked)
          : Kernels64.reduce(ad, ao, bd, bo, w, c0, c1, lo, hi, o, sa, sb, so, blocked);
    }

    void apply(int lo, int hi, int c0, int c1, double[] carry, int co, boolean blocked) {
      if (f32) {
        Kernels32.apply(af, ao, bf, bo, of, oo, w, c0, c1, lo, hi, o, carry, co, blocked);
      } else {
        Kernels64.apply(ad, ao, bd, bo, od, oo, w, c0, c1, lo, hi, o, carry, co, blocked);
      }
    }
  }

  /** The backward pass of a scan with options o. */
  static final class Grad {
    final boolean f32;
    final float[] af, hf, gf, gaf, gbf;
    final double[] ad, hd, gd, gad, gbd;
    final int ao, ho, go, gao, gbo, w, steps;
    final ScanOptions o;

    Grad(Sequence a, Sequence h, Sequence g, Sequence gA, Sequence gB, ScanOptions o) {
      f32 = a.precision() == Precision.FLOAT32;
      af = f32 ? a.floatArray() : null;
      hf = f32 ? h.floatArray() : null;
      gf = f32 ? g.floatArray() : null;
      gaf = f32 ? gA.floatArray() : null;
      gbf = f32 ? gB.floatArray() : null;
      ad = f32 ? null : a.doubleArray();
      hd = f32 ? null : h.doubleArray();
      gd = f32 ? null : g.doubleArray();
      gad = f32 ? null : gA.doubleArray();
      gbd = f32 ? null : gB.doubleArray();
      ao = a.offset();
      ho = h.offset();
      go = g.offset();
      gao = gA.offset();
      gbo = gB.offset();
      w = a.width();
      steps = a.steps();
      this.o = o;
    }

    boolean reduce(int lo, int hi, int c0, int c1, double[] sa, double[] sb, int so) {
      return f32
          ? Kernels32.reduceGrad(af, ao, gf, go, w, c0, c1, steps, lo, hi, o, sa, sb, so)
          : Kernels64.reduceGrad(ad, ao, gd, go, w, c0, c1, steps, lo, hi, o, sa, sb, so);
    }

    void apply(int lo, int hi, int c0, int c1, double[] carry, int co, double[] g0, int g0o) {
      if (f32) {
        Kernels32.applyGrad(af, ao, hf, ho, gf, go, gaf, gao, gbf, gbo, w, c0, c1, steps, lo, hi,
            o, carry, co, g0, g0o);
      } else {
        Kernels64.applyGrad(ad, ao, hd, ho, gd, go, gad, gao, gbd, gbo, w, c0, c1, steps, lo, hi,
            o, carry, co, g0, g0o);
      }
    }
  }
}
